/** The sample manifests (`content/samples`), read once per process and shared by every environment. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLES_DIR = fileURLToPath(new URL('../../../../content/samples', import.meta.url));

let cached: ReadonlyMap<string, string> | undefined;

/** Relative path (`bookinfo/networking/bookinfo-gateway.yaml`) to contents. */
export function loadSamples(): ReadonlyMap<string, string> {
  if (cached) return cached;
  const map = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else map.set(relative(SAMPLES_DIR, path), readFileSync(path, 'utf8'));
    }
  };
  walk(SAMPLES_DIR);
  cached = map;
  return map;
}
