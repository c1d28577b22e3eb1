/** The Preview's browsing rules: where links and forms lead, and the cookies the app sets. */
import { describe, expect, it } from 'vitest';
import { CookieJar, FRAME_POLICY, requestFor } from './browsing.ts';

describe('requestFor', () => {
  const page = 'http://ingress/productpage?u=normal';

  it('resolves links and forms on the app against the page, and refuses other sites', () => {
    expect(requestFor('static/tailwind/tailwind.css', page)).toEqual({
      path: '/static/tailwind/tailwind.css',
      method: 'GET',
    });
    expect(requestFor('/productpage?u=test', page)).toEqual({ path: '/productpage?u=test', method: 'GET' });
    expect(requestFor('logout', 'http://ingress/api/v1/products')).toEqual({ path: '/api/v1/logout', method: 'GET' });
    expect(requestFor('login', page, 'POST', 'username=jason&passwd=x')).toEqual({
      path: '/login',
      method: 'POST',
      body: 'username=jason&passwd=x',
    });
    expect(requestFor('search', page, 'GET', 'q=a+b')).toEqual({ path: '/search?q=a+b', method: 'GET' });
    expect(requestFor('https://istio.io', page)).toBeUndefined();
    expect(requestFor('//evil.example/x', page)).toBeUndefined();
    expect(requestFor('http://ingress:8080/x', page)).toBeUndefined();
  });
});

describe('CookieJar', () => {
  it('keeps what the app sets, replaces it, and forgets expired cookies', () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.take('user=jason; Path=/');
    expect(jar.header()).toBe('user=jason');
    jar.take('session=abc; HttpOnly, theme=dark; Path=/');
    expect(jar.header()).toBe('user=jason; session=abc; theme=dark');
    jar.take('user=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/');
    expect(jar.header()).toBe('session=abc; theme=dark');
    jar.take('theme=x; Max-Age=0');
    expect(jar.header()).toBe('session=abc');
  });
});

describe('the frame policy', () => {
  it('lets the page run its inline code and reach nothing', () => {
    expect(FRAME_POLICY).toContain("default-src 'none'");
    expect(FRAME_POLICY).not.toMatch(/connect-src|https?:/);
  });
});
