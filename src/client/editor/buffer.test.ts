import { describe, expect, it } from 'vitest';
import { keptBuffer, storageKey, type KeptStorage } from './buffer.ts';

function memoryStorage(): KeptStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

describe('kept editor buffers', () => {
  it('keep edits per lab and file, and a reopened buffer starts from them', () => {
    const storage = memoryStorage();
    const buffer = keptBuffer(storage, 'traffic-shifting', 'vs.yaml', 'original\n');
    expect(buffer.text()).toBe('original\n');
    expect(buffer.edited()).toBe(false);
    buffer.save('edited\n');
    expect(storage.items.get(storageKey('traffic-shifting', 'vs.yaml'))).toBe('edited\n');
    const reopened = keptBuffer(storage, 'traffic-shifting', 'vs.yaml', 'original\n');
    expect(reopened.text()).toBe('edited\n');
    expect(reopened.edited()).toBe(true);
    expect(keptBuffer(storage, 'mirroring', 'vs.yaml', 'other\n').text()).toBe('other\n');
  });

  it('forget the key once the text is the original again (Reset file)', () => {
    const storage = memoryStorage();
    const buffer = keptBuffer(storage, 'ingress', 'gw.yaml', 'a');
    buffer.save('b');
    buffer.save('a');
    expect(storage.items.size).toBe(0);
    expect(buffer.edited()).toBe(false);
  });

  it('still edit when the browser refuses storage', () => {
    const refusing: KeptStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    const buffer = keptBuffer(refusing, 'ingress', 'gw.yaml', 'a');
    expect(buffer.text()).toBe('a');
    buffer.save('b');
    expect(buffer.text()).toBe('b');
  });
});
