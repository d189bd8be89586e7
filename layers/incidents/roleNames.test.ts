import { describe, expect, it } from 'vitest';
import { ROLES } from '../../workers/formats/dataAccess.js';
import en from './i18n.en.json' with { type: 'json' };
import zh from './i18n.zh-CN.json' with { type: 'json' };

describe('the signed-in line names every role', () => {
  it('has a name for each role in both languages (a missing one showed its key, "roles.internal")', () => {
    for (const messages of [en, zh]) for (const role of ROLES) expect((messages.roles as Record<string, string>)[role], role).toBeTruthy();
  });
});
