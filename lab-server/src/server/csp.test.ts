import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptHashes } from './csp.ts';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('contentSecurityPolicy', () => {
  it("allows a page's own inline scripts by hash and nothing inline besides", () => {
    const html =
      '<script>theme()</script><script type="module">island()</script>' +
      '<script type="module" src="/_astro/a.js"></script><script src="/x.js">ignored()</script>';
    expect(inlineScriptHashes(html)).toEqual([sha('theme()'), sha('island()')]);
    const policy = contentSecurityPolicy(html);
    expect(policy).toContain(`script-src 'self' ${sha('theme()')} ${sha('island()')};`);
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
    expect(policy).toContain("worker-src 'self' blob:");
    expect(policy).toContain("object-src 'none'");
  });
});
