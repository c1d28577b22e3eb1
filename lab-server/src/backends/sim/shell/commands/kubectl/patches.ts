/**
 * The three patch types `kubectl patch` sends and the API server applies: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902) and Kubernetes' strategic merge patch (lists of built-in kinds merged by their merge keys, `$patch`
 * directives, `null` deleting a field). Pure functions over plain JSON values.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** A patch the server cannot apply: the message after `Error from server (reason): `. */
export class PatchError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** RFC 7386: objects merge, `null` deletes, everything else (lists included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value) as Json;
  }
  return out;
}

/** A JSON patch operation as written. */
interface Operation {
  op?: string;
  path?: string;
  from?: string;
  value?: Json;
}

function pointer(path: string | undefined): string[] {
  if (path === undefined) throw new PatchError('BadRequest', 'missing path');
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError('BadRequest', `invalid JSON pointer: "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[]): { parent: Json; key: string } {
  let node: Json = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)] as Json;
    else if (isObject(node)) node = node[part] as Json;
    else node = undefined as unknown as Json;
    if (node === undefined) throw unprocessable();
  }
  return { parent: node, key: parts[parts.length - 1]! };
}

function unprocessable(): PatchError {
  return new PatchError('Invalid', 'the server rejected our request due to an error in our request');
}

function getAt(doc: Json, parts: string[]): Json {
  let node: Json = doc;
  for (const part of parts) {
    if (Array.isArray(node)) node = node[Number(part)] as Json;
    else if (isObject(node)) node = node[part] as Json;
    else throw unprocessable();
    if (node === undefined) throw unprocessable();
  }
  return node;
}

function arrayIndex(list: Json[], key: string, forAdd: boolean): number {
  if (forAdd && key === '-') return list.length;
  if (!/^\d+$/.test(key)) throw unprocessable();
  const i = Number(key);
  if (i > list.length || (!forAdd && i === list.length)) throw unprocessable();
  return i;
}

function add(doc: Json, parts: string[], value: Json): Json {
  if (parts.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, clone(value));
  else if (isObject(parent)) parent[key] = clone(value);
  else throw unprocessable();
  return doc;
}

function remove(doc: Json, parts: string[]): Json {
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else if (isObject(parent) && key in parent) delete parent[key];
  else throw unprocessable();
  return doc;
}

/** RFC 6902 over `target`; any failing operation fails the whole patch. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations))
    throw new PatchError('BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target) as Json;
  for (const raw of operations as Operation[]) {
    const op = raw?.op;
    const parts = pointer(raw?.path);
    switch (op) {
      case 'add':
        doc = add(doc, parts, raw.value as Json);
        break;
      case 'remove':
        doc = remove(doc, parts);
        break;
      case 'replace':
        getAt(doc, parts);
        doc = add(remove(doc, parts), parts, raw.value as Json);
        break;
      case 'move': {
        const from = pointer(raw.from);
        const value = getAt(doc, from);
        doc = add(remove(doc, from), parts, value);
        break;
      }
      case 'copy':
        doc = add(doc, parts, getAt(doc, pointer(raw.from)));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, parts)) !== JSON.stringify(raw.value)) throw unprocessable();
        break;
      default:
        throw new PatchError('BadRequest', `Unexpected kind: ${op ?? ''}`);
    }
  }
  return doc;
}

/** Merge keys of the built-in kinds' lists (`patchMergeKey` in their Go types), by field name and parent field. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  'containers.ports': 'containerPort',
  'initContainers.ports': 'containerPort',
  'spec.ports': 'port',
};

function mergeKeyFor(parent: string, field: string): string | undefined {
  return MERGE_KEYS[`${parent}.${field}`] ?? (field === 'ports' ? undefined : MERGE_KEYS[field]);
}

function mergeList(target: Json[], patch: Json[], key: string, field: string): Json[] {
  const out = clone(target);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const directive = item.$patch;
    const id = item[key];
    const at = out.findIndex((e) => isObject(e) && e[key] === id);
    if (directive === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = strategic(out[at], item, field) as Json;
    else out.push(strategic(undefined, item, field) as Json);
  }
  return out;
}

/**
 * Strategic merge patch, as the API server applies it to built-in kinds: maps merge, `null` deletes, lists with a
 * merge key merge element by element (`$patch: delete` removes one), other lists replace; `$patch: replace` on a
 * map replaces it, `$retainKeys` keeps only the keys listed.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  return strategic(target, patch, '');
}

function strategic(target: unknown, patch: unknown, field: string): unknown {
  if (!isObject(patch)) return clone(patch);
  const rest: JsonObject = { ...patch };
  const directive = rest.$patch;
  delete rest.$patch;
  if (directive === 'replace') return strategic(undefined, rest, field);
  if (directive === 'delete') return undefined;
  const retain = Array.isArray(rest.$retainKeys) ? (rest.$retainKeys as string[]) : undefined;
  delete rest.$retainKeys;
  let out: JsonObject = isObject(target) ? clone(target) : {};
  if (retain) out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('$setElementOrder/') || key.startsWith('$deleteFromPrimitiveList/')) {
      if (key.startsWith('$deleteFromPrimitiveList/') && Array.isArray(value)) {
        const listKey = key.slice('$deleteFromPrimitiveList/'.length);
        const list = out[listKey];
        if (Array.isArray(list)) out[listKey] = list.filter((x) => !value.includes(x));
      }
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const mergeKey = Array.isArray(value) ? mergeKeyFor(field, key) : undefined;
    if (mergeKey && Array.isArray(out[key])) out[key] = mergeList(out[key] as Json[], value as Json[], mergeKey, key);
    else if (mergeKey) out[key] = mergeList([], value as Json[], mergeKey, key);
    else {
      const merged = strategic(out[key], value, key);
      if (merged === undefined) delete out[key];
      else out[key] = merged as Json;
    }
  }
  return out;
}
