import { describe, expect, it } from 'vitest';
import { bundles } from './index';

describe('messages', () => {
  for (const [name, bundle] of Object.entries(bundles)) {
    it(`${name}: both languages have the same keys, none empty`, () => {
      expect(Object.keys(bundle['zh-CN']).sort()).toEqual(Object.keys(bundle['en-US']).sort());
      for (const lang of ['en-US', 'zh-CN'] as const) {
        for (const [key, text] of Object.entries(bundle[lang])) expect(text, `${lang} ${key}`).not.toBe('');
      }
    });
  }

  it('no key is defined by two features', () => {
    const seen = new Map<string, string>();
    for (const [name, bundle] of Object.entries(bundles)) {
      for (const key of Object.keys(bundle['en-US'])) {
        expect(seen.get(key), key).toBeUndefined();
        seen.set(key, name);
      }
    }
  });
});
