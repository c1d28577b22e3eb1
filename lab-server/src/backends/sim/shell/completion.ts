/**
 * Tab completion for the lab shell: command names for the first word, kubectl's subcommands and resource
 * types where kubectl expects them, file names everywhere else (as bash-completion does).
 */
import type { IFileSystem } from 'just-bash';
import { API_RESOURCES } from '../cluster/discovery.ts';

const KUBECTL_SUBCOMMANDS = [
  'annotate',
  'api-resources',
  'api-versions',
  'apply',
  'cluster-info',
  'config',
  'create',
  'delete',
  'describe',
  'exec',
  'get',
  'label',
  'logs',
  'replace',
  'rollout',
  'scale',
  'version',
  'wait',
];
const TAKES_RESOURCE = new Set(['get', 'describe', 'delete', 'label', 'annotate', 'edit', 'scale', 'wait']);
const ISTIOCTL_SUBCOMMANDS = ['analyze', 'install', 'kube-inject', 'proxy-config', 'version'];

/** Completion candidates for the word before `cursor`. */
export async function completeWord(
  line: string,
  cursor: number,
  cwd: string,
  fs: IFileSystem,
  commands: readonly string[],
): Promise<string[]> {
  const before = line.slice(0, cursor);
  const words = before.split(/\s+/);
  const word = words.at(-1) ?? '';
  const index = words.length - 1;
  const previous = words.slice(0, -1).filter((w) => w !== '');
  const starts = (list: readonly string[]) => [...new Set(list)].filter((c) => c.startsWith(word)).sort();
  if (previous.length === 0 || /[|;&]$/.test(previous.at(-1)!)) return starts(commands);
  const command = previous[0];
  if (command === 'kubectl' && index === 1) return starts(KUBECTL_SUBCOMMANDS);
  if (command === 'istioctl' && index === 1) return starts(ISTIOCTL_SUBCOMMANDS);
  if (command === 'kubectl' && index === 2 && TAKES_RESOURCE.has(previous[1]!)) {
    return starts(API_RESOURCES.flatMap((r) => [r.plural, ...r.shortNames]));
  }
  return fileCandidates(word, cwd, fs);
}

async function fileCandidates(word: string, cwd: string, fs: IFileSystem): Promise<string[]> {
  const slash = word.lastIndexOf('/');
  const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
  const namePart = word.slice(slash + 1);
  const dir = fs.resolvePath(cwd, dirPart || '.');
  try {
    const entries = await fs.readdir(dir);
    const out: string[] = [];
    for (const entry of entries.sort()) {
      if (!entry.startsWith(namePart) || (entry.startsWith('.') && !namePart.startsWith('.'))) continue;
      const stat = await fs.stat(fs.resolvePath(dir, entry));
      out.push(`${dirPart}${entry}${stat.isDirectory ? '/' : ''}`);
    }
    return out;
  } catch {
    return [];
  }
}
