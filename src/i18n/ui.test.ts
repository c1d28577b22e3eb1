import { describe, expect, it } from 'vitest';
import { langFromPath, t, UI } from './ui.ts';

describe('the UI translation table', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(UI.en).sort()).toEqual(Object.keys(UI.ko).sort());
    for (const lang of ['ko', 'en'] as const)
      for (const [key, text] of Object.entries(UI[lang])) expect(text, `${lang}.${key}`).not.toBe('');
  });

  it('keeps the same placeholders in both languages', () => {
    for (const key of Object.keys(UI.ko) as (keyof typeof UI.ko)[]) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(UI.en[key]), key).toEqual(names(UI.ko[key]));
    }
  });

  it('fills placeholders and tells the language from the path', () => {
    expect(t('en', 'step.hintCount', { n: 1, total: 3 })).toBe('Hint 1 of 3');
    expect(t('ko', 'step.hintCount', { n: 1, total: 3 })).toBe('힌트 1 / 3');
    expect(langFromPath('/en/traffic-shifting/')).toBe('en');
    expect(langFromPath('/traffic-shifting/')).toBe('ko');
    expect(langFromPath('/english/')).toBe('ko');
  });
});
