/**
 * GB/T 35561-2017 《突发事件分类与编码》: the four categories of emergencies and their
 * sub-types, and the four levels of an emergency (特别重大 Ⅰ … 一般 Ⅳ) with their warning
 * colours, kept as data in one table. Records, the CAP writer and the viewer's legend read it.
 *
 * Sources: the four categories and their first code digit are [V] (the standard's scope and
 * the national master plan 《国家突发公共事件总体应急预案》 §1.3). The sub-types follow the
 * master plan's lists; their two-digit codes are [K] (secondary transcription), verify against
 * the standard's table before exchanging codes with another system — records keep the stable
 * `id`, so a corrected code changes nothing stored. Levels and colours: 突发事件应对法 §3 and
 * §42 (red/orange/yellow/blue for Ⅰ–Ⅳ) [V]. The CAP category per sub-type is our mapping.
 */
import type { CapCategory } from '../formats/incident.js';

export type EmergencyCategoryId = 'natural-disaster' | 'accident' | 'public-health' | 'social-security';

export interface EmergencySubType {
  /** Stable id kept in records. */
  id: string;
  /** Code in the standard's table [K]. */
  code: string;
  nameZh: string;
  nameEn: string;
  /** The CAP 1.2 category an incident of this sub-type is exported with. */
  capCategory: CapCategory;
}

export interface EmergencyCategory {
  id: EmergencyCategoryId;
  /** First digit of the standard's code. */
  code: string;
  nameZh: string;
  nameEn: string;
  subTypes: readonly EmergencySubType[];
}

export const GBT35561_CATEGORIES: readonly EmergencyCategory[] = [
  {
    id: 'natural-disaster',
    code: '1',
    nameZh: '自然灾害',
    nameEn: 'Natural disaster',
    subTypes: [
      { id: 'flood-drought', code: '11', nameZh: '水旱灾害', nameEn: 'Flood and drought', capCategory: 'Met' },
      { id: 'meteorological', code: '12', nameZh: '气象灾害', nameEn: 'Meteorological disaster', capCategory: 'Met' },
      { id: 'earthquake', code: '13', nameZh: '地震灾害', nameEn: 'Earthquake', capCategory: 'Geo' },
      { id: 'geological', code: '14', nameZh: '地质灾害', nameEn: 'Geological disaster', capCategory: 'Geo' },
      { id: 'marine', code: '15', nameZh: '海洋灾害', nameEn: 'Marine disaster', capCategory: 'Met' },
      { id: 'biological', code: '16', nameZh: '生物灾害', nameEn: 'Biological disaster', capCategory: 'Env' },
      { id: 'wildfire', code: '17', nameZh: '森林草原火灾', nameEn: 'Forest and grassland fire', capCategory: 'Fire' },
    ],
  },
  {
    id: 'accident',
    code: '2',
    nameZh: '事故灾难',
    nameEn: 'Accident',
    subTypes: [
      { id: 'work-safety', code: '21', nameZh: '工矿商贸等企业安全事故', nameEn: 'Industrial and commercial safety accident', capCategory: 'Safety' },
      { id: 'transport', code: '22', nameZh: '交通运输事故', nameEn: 'Transport accident', capCategory: 'Transport' },
      { id: 'public-facility', code: '23', nameZh: '公共设施和设备事故', nameEn: 'Public facility and equipment accident', capCategory: 'Infra' },
      { id: 'nuclear-radiation', code: '24', nameZh: '核与辐射事故', nameEn: 'Nuclear and radiation accident', capCategory: 'CBRNE' },
      { id: 'environmental', code: '25', nameZh: '环境污染和生态破坏事件', nameEn: 'Pollution and ecological damage', capCategory: 'Env' },
      { id: 'fire', code: '26', nameZh: '火灾事故', nameEn: 'Fire', capCategory: 'Fire' },
    ],
  },
  {
    id: 'public-health',
    code: '3',
    nameZh: '公共卫生事件',
    nameEn: 'Public health event',
    subTypes: [
      { id: 'infectious-disease', code: '31', nameZh: '传染病疫情', nameEn: 'Infectious disease outbreak', capCategory: 'Health' },
      { id: 'unexplained-illness', code: '32', nameZh: '群体性不明原因疾病', nameEn: 'Cluster of unexplained illness', capCategory: 'Health' },
      { id: 'food-occupational', code: '33', nameZh: '食品安全和职业危害', nameEn: 'Food safety and occupational hazard', capCategory: 'Health' },
      { id: 'animal-epidemic', code: '34', nameZh: '动物疫情', nameEn: 'Animal epidemic', capCategory: 'Health' },
      { id: 'other-health', code: '39', nameZh: '其他严重影响公众健康和生命安全的事件', nameEn: 'Other threat to public health', capCategory: 'Health' },
    ],
  },
  {
    id: 'social-security',
    code: '4',
    nameZh: '社会安全事件',
    nameEn: 'Social security event',
    subTypes: [
      { id: 'terrorism', code: '41', nameZh: '恐怖袭击事件', nameEn: 'Terrorist attack', capCategory: 'Security' },
      { id: 'economic-security', code: '42', nameZh: '经济安全事件', nameEn: 'Economic security event', capCategory: 'Security' },
      { id: 'foreign-related', code: '43', nameZh: '涉外突发事件', nameEn: 'Foreign-related emergency', capCategory: 'Security' },
      { id: 'mass-incident', code: '44', nameZh: '群体性事件', nameEn: 'Mass incident', capCategory: 'Security' },
    ],
  },
];

export type EmergencyLevel = 'I' | 'II' | 'III' | 'IV';

export interface EmergencyLevelEntry {
  id: EmergencyLevel;
  /** As written in Chinese documents: Ⅰ级 … Ⅳ级. */
  numeral: string;
  nameZh: string;
  nameEn: string;
  /** Warning colour name and a CSS colour for maps. */
  colour: 'red' | 'orange' | 'yellow' | 'blue';
  css: string;
  /** CAP 1.2 severity an incident of this level is exported with. */
  capSeverity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor';
}

export const EMERGENCY_LEVELS: readonly EmergencyLevelEntry[] = [
  { id: 'I', numeral: 'Ⅰ', nameZh: '特别重大', nameEn: 'Extremely serious', colour: 'red', css: '#e60000', capSeverity: 'Extreme' },
  { id: 'II', numeral: 'Ⅱ', nameZh: '重大', nameEn: 'Very serious', colour: 'orange', css: '#ff8c00', capSeverity: 'Severe' },
  { id: 'III', numeral: 'Ⅲ', nameZh: '较大', nameEn: 'Serious', colour: 'yellow', css: '#ffd400', capSeverity: 'Moderate' },
  { id: 'IV', numeral: 'Ⅳ', nameZh: '一般', nameEn: 'General', colour: 'blue', css: '#1e78ff', capSeverity: 'Minor' },
];

export function emergencyCategory(id: string): EmergencyCategory | undefined {
  return GBT35561_CATEGORIES.find((c) => c.id === id);
}

export function emergencySubType(categoryId: string, subTypeId: string): EmergencySubType | undefined {
  return emergencyCategory(categoryId)?.subTypes.find((s) => s.id === subTypeId);
}

export function emergencyLevel(id: string): EmergencyLevelEntry | undefined {
  return EMERGENCY_LEVELS.find((l) => l.id === id);
}
