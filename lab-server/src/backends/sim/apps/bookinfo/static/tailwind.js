// Bookinfo's static/tailwind/tailwind.css as the simulator serves it. The real file is Tailwind's browser
// runtime (the Play CDN script, loaded with <script src>): it reads the class names in the page and writes the
// styles they stand for. This is a smaller runtime of the same kind, for Tailwind 3's default theme: preflight,
// then one rule per utility class found (spacing, sizes, flex, type, colors, borders, rings, shadows), with the
// sm/md/lg breakpoints and the hover/focus/focus-visible/placeholder variants. Unknown classes get no style, as
// with Tailwind (Bookinfo's `text-black-500` is one).
(() => {
  const COLORS = {
    white: '#ffffff',
    black: '#000000',
    gray: {
      50: '#f9fafb',
      100: '#f3f4f6',
      200: '#e5e7eb',
      300: '#d1d5db',
      400: '#9ca3af',
      500: '#6b7280',
      600: '#4b5563',
      700: '#374151',
      800: '#1f2937',
      900: '#111827',
    },
    red: {
      50: '#fef2f2',
      100: '#fee2e2',
      200: '#fecaca',
      300: '#fca5a5',
      400: '#f87171',
      500: '#ef4444',
      600: '#dc2626',
      700: '#b91c1c',
      800: '#991b1b',
      900: '#7f1d1d',
    },
    blue: {
      50: '#eff6ff',
      100: '#dbeafe',
      200: '#bfdbfe',
      300: '#93c5fd',
      400: '#60a5fa',
      500: '#3b82f6',
      600: '#2563eb',
      700: '#1d4ed8',
      800: '#1e40af',
      900: '#1e3a8a',
    },
  };
  const SCREENS = { sm: '640px', md: '768px', lg: '1024px', xl: '1280px' };
  const TEXT = {
    xs: ['0.75rem', '1rem'],
    sm: ['0.875rem', '1.25rem'],
    base: ['1rem', '1.5rem'],
    lg: ['1.125rem', '1.75rem'],
    xl: ['1.25rem', '1.75rem'],
    '2xl': ['1.5rem', '2rem'],
    '3xl': ['1.875rem', '2.25rem'],
    '4xl': ['2.25rem', '2.5rem'],
    '5xl': ['3rem', '1'],
  };
  const MAX_W = {
    xs: '20rem',
    sm: '24rem',
    md: '28rem',
    lg: '32rem',
    xl: '36rem',
    '2xl': '42rem',
    '3xl': '48rem',
    '4xl': '56rem',
    '5xl': '64rem',
    '6xl': '72rem',
    '7xl': '80rem',
    full: '100%',
  };
  const WEIGHT = { thin: 100, light: 300, normal: 400, medium: 500, semibold: 600, bold: 700, extrabold: 800 };
  const SHADOW = {
    sm: '0 1px 2px 0 rgb(0 0 0 / 0.05)',
    '': '0 1px 3px 0 rgb(0 0 0 / 0.1), 0 1px 2px -1px rgb(0 0 0 / 0.1)',
    md: '0 4px 6px -1px rgb(0 0 0 / 0.1), 0 2px 4px -2px rgb(0 0 0 / 0.1)',
    lg: '0 10px 15px -3px rgb(0 0 0 / 0.1), 0 4px 6px -4px rgb(0 0 0 / 0.1)',
    xl: '0 20px 25px -5px rgb(0 0 0 / 0.1), 0 8px 10px -6px rgb(0 0 0 / 0.1)',
  };
  const STATIC = {
    block: 'display:block',
    'inline-block': 'display:inline-block',
    inline: 'display:inline',
    flex: 'display:flex',
    'inline-flex': 'display:inline-flex',
    grid: 'display:grid',
    hidden: 'display:none',
    'flow-root': 'display:flow-root',
    table: 'display:table',
    'flex-col': 'flex-direction:column',
    'flex-row': 'flex-direction:row',
    'flex-wrap': 'flex-wrap:wrap',
    'flex-none': 'flex:none',
    'flex-1': 'flex:1 1 0%',
    'flex-auto': 'flex:1 1 auto',
    'flex-shrink-0': 'flex-shrink:0',
    'shrink-0': 'flex-shrink:0',
    'items-center': 'align-items:center',
    'items-start': 'align-items:flex-start',
    'items-end': 'align-items:flex-end',
    'justify-between': 'justify-content:space-between',
    'justify-center': 'justify-content:center',
    'justify-end': 'justify-content:flex-end',
    absolute: 'position:absolute',
    relative: 'position:relative',
    static: 'position:static',
    fixed: 'position:fixed',
    'text-left': 'text-align:left',
    'text-center': 'text-align:center',
    'text-right': 'text-align:right',
    'font-mono': 'font-family:ui-monospace,SFMono-Regular,Menlo,Monaco,Consolas,monospace',
    'font-sans': 'font-family:ui-sans-serif,system-ui,sans-serif',
    italic: 'font-style:italic',
    'whitespace-nowrap': 'white-space:nowrap',
    'align-middle': 'vertical-align:middle',
    'tracking-tight': 'letter-spacing:-0.025em',
    'tracking-wide': 'letter-spacing:0.025em',
    'overflow-hidden': 'overflow:hidden',
    'overflow-x-auto': 'overflow-x:auto',
    'overflow-auto': 'overflow:auto',
    'rounded-md': 'border-radius:0.375rem',
    'rounded-lg': 'border-radius:0.5rem',
    'rounded-full': 'border-radius:9999px',
    rounded: 'border-radius:0.25rem',
    border: 'border-width:1px',
    'border-0': 'border-width:0px',
    'border-b': 'border-bottom-width:1px',
    'border-t': 'border-top-width:1px',
    'outline-none': 'outline:2px solid transparent;outline-offset:2px',
    outline: 'outline-style:solid',
    'ring-inset': '--tw-ring-inset:inset',
    'min-h-full': 'min-height:100%',
    'min-w-full': 'min-width:100%',
    'min-h-screen': 'min-height:100vh',
    'sr-only':
      'position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border-width:0',
    underline: 'text-decoration-line:underline',
    uppercase: 'text-transform:uppercase',
  };
  const SIDES = {
    '': [''],
    x: ['-left', '-right'],
    y: ['-top', '-bottom'],
    t: ['-top'],
    r: ['-right'],
    b: ['-bottom'],
    l: ['-left'],
  };

  /** A spacing value of the default scale (`4` -> 1rem, `0.5`, `px`, `auto`, fractions, `full`). */
  function size(v) {
    if (v === 'px') return '1px';
    if (v === 'auto') return 'auto';
    if (v === 'full') return '100%';
    if (v === 'screen') return '100vw';
    const frac = /^(\d+)\/(\d+)$/.exec(v);
    if (frac) return `${(Number(frac[1]) / Number(frac[2])) * 100}%`;
    if (/^\d+(\.5)?$/.test(v)) return v === '0' ? '0px' : `${Number(v) * 0.25}rem`;
    return undefined;
  }
  /** A palette color (`red-500`, `white`, `blue-600/5`). */
  function color(v) {
    const m = /^([a-z]+)(?:-(\d{2,3}))?(?:\/(\d+))?$/.exec(v);
    if (!m) return undefined;
    const base = COLORS[m[1]];
    const hex = typeof base === 'string' ? (m[2] ? undefined : base) : base?.[m[2]];
    if (!hex) return undefined;
    if (!m[3]) return hex;
    const n = Number.parseInt(hex.slice(1), 16);
    return `rgb(${n >> 16} ${(n >> 8) & 255} ${n & 255} / ${Number(m[3]) / 100})`;
  }

  /** The declarations of one utility (without variants), or undefined for a class this runtime does not know. */
  function declarations(utility) {
    const negative = utility.startsWith('-');
    const u = negative ? utility.slice(1) : utility;
    const neg = (value) => (negative && value !== '0px' ? `-${value}` : value);
    if (STATIC[u] && !negative) return STATIC[u];
    let m = /^([mp])([xytrbl]?)-(.+)$/.exec(u);
    if (m && size(m[3])) {
      const property = m[1] === 'm' ? 'margin' : 'padding';
      return SIDES[m[2]].map((side) => `${property}${side}:${neg(size(m[3]))}`).join(';');
    }
    m = /^space-([xy])-(.+)$/.exec(u);
    if (m && size(m[2])) return { nested: `margin-${m[1] === 'y' ? 'top' : 'left'}:${size(m[2])}` };
    m = /^gap(?:-([xy]))?-(.+)$/.exec(u);
    if (m && size(m[2])) return `${m[1] === 'x' ? 'column-gap' : m[1] === 'y' ? 'row-gap' : 'gap'}:${size(m[2])}`;
    m = /^(w|h|min-w|min-h|max-h)-(.+)$/.exec(u);
    if (m && size(m[2])) {
      const prop = { w: 'width', h: 'height', 'min-w': 'min-width', 'min-h': 'min-height', 'max-h': 'max-height' }[
        m[1]
      ];
      return `${prop}:${m[1] === 'h' && m[2] === 'screen' ? '100vh' : size(m[2])}`;
    }
    m = /^max-w-(.+)$/.exec(u);
    if (m && MAX_W[m[1]]) return `max-width:${MAX_W[m[1]]}`;
    m = /^(top|right|bottom|left|inset|inset-x|inset-y)-(.+)$/.exec(u);
    if (m && size(m[2])) {
      const sides = {
        inset: ['top', 'right', 'bottom', 'left'],
        'inset-x': ['left', 'right'],
        'inset-y': ['top', 'bottom'],
      }[m[1]] ?? [m[1]];
      return sides.map((side) => `${side}:${neg(size(m[2]))}`).join(';');
    }
    m = /^text-(.+)$/.exec(u);
    if (m && TEXT[m[1]]) return `font-size:${TEXT[m[1]][0]};line-height:${TEXT[m[1]][1]}`;
    if (m && color(m[1])) return `color:${color(m[1])}`;
    m = /^font-(.+)$/.exec(u);
    if (m && WEIGHT[m[1]]) return `font-weight:${WEIGHT[m[1]]}`;
    m = /^leading-(\d+)$/.exec(u);
    if (m) return `line-height:${Number(m[1]) * 0.25}rem`;
    m = /^bg-(.+)$/.exec(u);
    if (m && color(m[1])) return `background-color:${color(m[1])}`;
    m = /^border-(.+)$/.exec(u);
    if (m && color(m[1])) return `border-color:${color(m[1])}`;
    m = /^divide-([xy])$/.exec(u);
    if (m) return { nested: `border-${m[1] === 'y' ? 'top' : 'left'}-width:1px;border-style:solid` };
    m = /^divide-(.+)$/.exec(u);
    if (m && color(m[1])) return { nested: `border-color:${color(m[1])}` };
    m = /^outline-offset-(\d+)$/.exec(u);
    if (m) return `outline-offset:${m[1]}px`;
    m = /^outline-(\d+)$/.exec(u);
    if (m) return `outline-width:${m[1]}px`;
    m = /^outline-(.+)$/.exec(u);
    if (m && color(m[1])) return `outline-color:${color(m[1])}`;
    m = /^ring(?:-(\d+))?$/.exec(u);
    if (m) {
      const width = m[1] ?? '3';
      const ring = `0 0 0 calc(${width}px + var(--tw-ring-offset-width,0px))`;
      return `box-shadow:var(--tw-ring-inset,) ${ring} var(--tw-ring-color,rgb(59 130 246 / 0.5)),var(--tw-shadow,0 0 #0000)`;
    }
    m = /^ring-offset-(\d+)$/.exec(u);
    if (m) return `--tw-ring-offset-width:${m[1]}px`;
    m = /^ring-(.+)$/.exec(u);
    if (m && color(m[1])) return `--tw-ring-color:${color(m[1])}`;
    m = /^shadow(?:-(.+))?$/.exec(u);
    if (m && SHADOW[m[1] ?? ''] !== undefined) return `--tw-shadow:${SHADOW[m[1] ?? '']};box-shadow:var(--tw-shadow)`;
    if (u === 'container') return { container: true };
    return undefined;
  }

  const cssEscape = (name) => name.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
  const PSEUDO = {
    hover: ':hover',
    focus: ':focus',
    'focus-visible': ':focus-visible',
    placeholder: '::placeholder',
    'group-hover': '',
  };

  /** The CSS rule(s) for one class name with its variants, or '' for a class this runtime does not know. */
  function ruleFor(name) {
    const parts = name.split(':');
    const utility = parts.pop();
    const found = declarations(utility);
    if (!found) return '';
    let selector = `.${cssEscape(name)}`;
    const media = [];
    for (const variant of parts) {
      if (SCREENS[variant]) media.push(SCREENS[variant]);
      else if (PSEUDO[variant] !== undefined) selector += PSEUDO[variant];
      else return '';
    }
    let rule;
    if (found.container)
      rule = `${selector}{width:100%}${Object.values(SCREENS)
        .map((w) => `@media (min-width:${w}){${selector}{max-width:${w}}}`)
        .join('')}`;
    else if (found.nested) rule = `${selector}>:not([hidden])~:not([hidden]){${found.nested}}`;
    else rule = `${selector}{${found}}`;
    return media.reduce((inner, width) => `@media (min-width:${width}){${inner}}`, rule);
  }

  const PREFLIGHT =
    '*,::before,::after{box-sizing:border-box;border:0 solid #e5e7eb}' +
    'html{line-height:1.5;-webkit-text-size-adjust:100%;font-family:ui-sans-serif,system-ui,sans-serif}' +
    'body{margin:0;line-height:inherit}h1,h2,h3,h4,h5,h6{font-size:inherit;font-weight:inherit}' +
    'a{color:inherit;text-decoration:inherit}b,strong{font-weight:bolder}' +
    'table{text-indent:0;border-color:inherit;border-collapse:collapse}' +
    'button,input,select,textarea{font:inherit;color:inherit;margin:0;padding:0}' +
    'button{background-color:transparent;background-image:none;cursor:pointer}' +
    'blockquote,dl,dd,h1,h2,h3,h4,h5,h6,hr,figure,p,pre{margin:0}ol,ul,menu{list-style:none;margin:0;padding:0}' +
    'img,svg,video,canvas,audio,iframe,embed,object{display:block;vertical-align:middle}' +
    'img,video{max-width:100%;height:auto}' +
    '[hidden]{display:none}dialog{padding:0}';

  const style = document.createElement('style');
  style.id = 'tailwind-runtime';
  const seen = new Set();
  let css = PREFLIGHT;
  function scan(root) {
    const elements = root.querySelectorAll ? [root, ...root.querySelectorAll('[class]')] : [];
    let added = false;
    for (const element of elements) {
      const list = element.classList;
      if (!list) continue;
      for (const name of list) {
        if (seen.has(name)) continue;
        seen.add(name);
        const rule = ruleFor(name);
        if (rule) {
          css += rule;
          added = true;
        }
      }
    }
    if (added) style.textContent = css;
  }
  style.textContent = css;
  (document.head ?? document.documentElement).append(style);
  scan(document.documentElement);
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') scan(record.target);
      for (const node of record.addedNodes) if (node.nodeType === 1) scan(node);
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['class'],
  });
})();
