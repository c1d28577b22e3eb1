/** Bookinfo's static files: the Tailwind runtime is served, and writes the styles of the classes a page uses. */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { staticFile } from './staticFiles.ts';

/** Runs the served runtime against a page whose elements have `classes`; returns the CSS it wrote. */
function stylesFor(classes: string[]): string {
  const style = { id: '', textContent: '' };
  const element = { classList: classes };
  const document = {
    createElement: () => style,
    head: { append: () => undefined },
    documentElement: { querySelectorAll: () => [element], classList: [] },
  };
  class MutationObserver {
    observe() {}
  }
  runInNewContext(staticFile('/static/tailwind/tailwind.css')!.body, { document, MutationObserver });
  return style.textContent;
}

describe('static files', () => {
  it('serves the Tailwind runtime the product page loads, and 404s anything else', () => {
    const file = staticFile('/static/tailwind/tailwind.css')!;
    expect(file.status).toBe(200);
    expect(file.headers).toContainEqual(['Content-Type', 'text/css; charset=utf-8']);
    expect(staticFile('/static/img/izzy.png')).toBeUndefined();
    expect(staticFile('/static/../productpage')).toBeUndefined();
  });

  it('writes the rules of the classes a page uses, with breakpoints and states, and none for unknown ones', () => {
    const css = stylesFor([
      'flex',
      'gap-x-1',
      'text-red-500',
      'h-5',
      'w-5',
      'flex-none',
      'sm:block',
      'hover:text-blue-600',
      'bg-blue-600/5',
      '-mx-4',
      'text-black-500',
      'space-y-6',
    ]);
    expect(css).toContain('.flex{display:flex}');
    expect(css).toContain('.gap-x-1{column-gap:0.25rem}');
    expect(css).toContain('.text-red-500{color:#ef4444}');
    expect(css).toContain('.h-5{height:1.25rem}');
    expect(css).toContain('.w-5{width:1.25rem}');
    expect(css).toContain('@media (min-width:640px){.sm\\:block{display:block}}');
    expect(css).toContain('.hover\\:text-blue-600:hover{color:#2563eb}');
    expect(css).toContain('.bg-blue-600\\/5{background-color:rgb(37 99 235 / 0.05)}');
    expect(css).toContain('.-mx-4{margin-left:-1rem;margin-right:-1rem}');
    expect(css).toContain('.space-y-6>:not([hidden])~:not([hidden]){margin-top:1.5rem}');
    // Not a Tailwind color: no rule, as with the real runtime.
    expect(css).not.toContain('text-black-500');
    // Preflight: svgs are blocks sized by their classes.
    expect(css).toContain('img,svg,video');
  });
});
