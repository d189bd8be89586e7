import type { Language, LocalizedText } from '../../../workers/formats/viewerConfig.js';
import en from './en.json';
import zhCN from './zh-CN.json';

type Resources = Record<string, unknown>;

/** The viewer's UI strings, with the plugins' own merged in (a plugin's key wins over nothing, never over the viewer's). */
export class Translator {
  private readonly resources: Record<Language, Resources>;

  constructor(extra: readonly (Record<Language, object> | undefined)[] = []) {
    this.resources = { 'zh-CN': zhCN, en };
    for (const messages of extra) {
      if (!messages) continue;
      for (const language of ['zh-CN', 'en'] as const) this.resources[language] = merge(messages[language] as Resources, this.resources[language]);
    }
  }

  /**
   * The UI string for a dotted key in the language ({name} placeholders filled in); falls
   * back to Chinese, then to `fallback` (or the key) so a missing string shows up instead of
   * breaking the page. A numeric `count` picks the language's plural form first (`key_one`,
   * `key_other`… by Intl.PluralRules), so English says "1 building", "2 buildings".
   */
  translate(language: Language, key: string, params?: Record<string, string | number>, fallback?: string): string {
    const count = params?.['count'];
    const plural = typeof count === 'number' ? lookup(this.resources[language], `${key}_${pluralRules(language).select(count)}`) : undefined;
    const text = plural ?? lookup(this.resources[language], key) ?? lookup(this.resources['zh-CN'], key) ?? fallback ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;
  }

  has(language: Language, key: string): boolean {
    return lookup(this.resources[language], key) !== undefined;
  }

  /** Config text in the language: its own entry, else Chinese, else any; a plain string is a key. */
  text(language: Language, value: LocalizedText | undefined, fallback = ''): string {
    if (value === undefined) return fallback;
    if (typeof value === 'string') return this.translate(language, value, undefined, value);
    return value[language] ?? value['zh-CN'] ?? Object.values(value)[0] ?? fallback;
  }
}

/** `over` on top of `under`, recursively: `under` keeps every key it has. */
function merge(over: Resources, under: Resources): Resources {
  const result: Resources = { ...over };
  for (const [key, value] of Object.entries(under)) {
    const mine = result[key];
    result[key] = isObject(mine) && isObject(value) ? merge(mine, value) : value;
  }
  return result;
}

function isObject(value: unknown): value is Resources {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookup(resources: Resources, key: string): string | undefined {
  let node: unknown = resources;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Resources)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const pluralRulesByLanguage = new Map<Language, Intl.PluralRules>();
function pluralRules(language: Language): Intl.PluralRules {
  let rules = pluralRulesByLanguage.get(language);
  if (!rules) pluralRulesByLanguage.set(language, (rules = new Intl.PluralRules(language)));
  return rules;
}
