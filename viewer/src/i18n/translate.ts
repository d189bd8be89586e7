import type { Language } from '../state/ViewerState.js';
import en from './en.json';
import zhCN from './zh-CN.json';

type Resources = Record<string, unknown>;
const RESOURCES: Record<Language, Resources> = { 'zh-CN': zhCN, en };

/**
 * The UI string for a dotted key in the language's resource file ({name} placeholders filled
 * in); falls back to Chinese, then to `fallback` (or the key) so a missing string shows up
 * instead of breaking the page.
 */
export function translate(language: Language, key: string, params?: Record<string, string | number>, fallback?: string): string {
  const text = lookup(RESOURCES[language], key) ?? lookup(RESOURCES['zh-CN'], key) ?? fallback ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;
}

export function hasTranslation(language: Language, key: string): boolean {
  return lookup(RESOURCES[language], key) !== undefined;
}

function lookup(resources: Resources, key: string): string | undefined {
  let node: unknown = resources;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Resources)[part];
  }
  return typeof node === 'string' ? node : undefined;
}
