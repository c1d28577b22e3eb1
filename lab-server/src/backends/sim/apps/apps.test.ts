/** The sample apps' own behaviour and logs. */
import { describe, expect, it } from 'vitest';
import { World } from '../mesh/testing/fixtures.ts';
import { gunicornLogsAccess, gunicornPort, pythonTitle } from './httpbin/gunicorn.ts';
import { canonicalMimeKey } from './httpbin/go.ts';
import { appForImage } from './registry.ts';

describe('apps registry', () => {
  it('finds apps by image regardless of registry prefix and tag', () => {
    expect(appForImage('docker.io/istio/examples-bookinfo-reviews-v3:1.20.3')).toBe(
      appForImage('istio/examples-bookinfo-reviews-v3'),
    );
    expect(appForImage('docker.io/kennethreitz/httpbin')).toBeDefined();
    expect(appForImage('docker.io/mccutchen/go-httpbin:v2.15.0')).toBeDefined();
    expect(appForImage('example.com/unknown:1')).toBeUndefined();
  });
});

describe('httpbin flavours', () => {
  it('header-name casing: Werkzeug title() vs Go canonical keys', () => {
    expect(pythonTitle('x-b3-traceid')).toBe('X-B3-Traceid');
    expect(pythonTitle('x-envoy-attempt-count')).toBe('X-Envoy-Attempt-Count');
    expect(canonicalMimeKey('x-forwarded-client-cert')).toBe('X-Forwarded-Client-Cert');
  });

  it('gunicorn binds and logs as its command line says', () => {
    const seed = { name: 'httpbin', command: ['gunicorn', '--access-logfile', '-', '-b', '0.0.0.0:80', 'httpbin:app'] };
    expect(gunicornPort(seed)).toBe(80);
    expect(gunicornLogsAccess(seed)).toBe(true);
    expect(gunicornPort({ name: 'h', args: ['--bind=0.0.0.0:8080'] })).toBe(8080);
    expect(gunicornLogsAccess({ name: 'h' })).toBe(false);
  });

  it('/status and /delay', async () => {
    const w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
    const sleep = w.deploySleep();
    expect((await w.get(sleep, 'http://httpbin:8000/status/418')).body).toContain('teapot');
    const t0 = w.clock.now();
    await w.get(sleep, 'http://httpbin:8000/delay/30');
    expect(w.clock.now() - t0).toBe(10_000);
    const v1 = w.pod('httpbin-v1').metadata.name;
    expect(
      w
        .log('default', v1, 'httpbin')
        .concat(w.log('default', w.pod('httpbin-v2').metadata.name, 'httpbin'))
        .some((l) => /"GET \/status\/418 HTTP\/1\.1" 418 \d+ "-" "curl\/8\.16\.0"$/.test(l)),
    ).toBe(true);
  });
});

describe('Bookinfo', () => {
  it('productpage renders details and the reviews with stars of the version that answered', async () => {
    const w = new World();
    w.installIstio();
    w.deployBookinfo();
    const sleep = w.deploySleep();
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const res = await w.get(sleep, 'http://productpage:9080/productpage');
      expect(res.status).toBe(200);
      expect(res.body).toContain('<dt>ISBN-13:</dt>123-1234567890');
      const served = /<u>(reviews-v\d)-/.exec(res.body)?.[1];
      const color = /<font color="(\w+)">/.exec(res.body)?.[1] ?? 'none';
      seen.add(`${served}:${color}`);
      if (color !== 'none') expect(res.body.match(/glyphicon glyphicon-star"/g)).toHaveLength(9);
    }
    expect([...seen].sort()).toEqual(['reviews-v1:none', 'reviews-v2:black', 'reviews-v3:red']);
  });

  it('the page says so when reviews or details fail', async () => {
    const w = new World();
    w.installIstio();
    w.deployBookinfo();
    const sleep = w.deploySleep();
    for (const p of w.cluster
      .list('Pod', 'default')
      .filter((p) => p.metadata.labels?.app === 'reviews' || p.metadata.labels?.app === 'details')) {
      w.cluster.delete('Pod', 'default', p.metadata.name);
    }
    const res = await w.get(sleep, 'http://productpage:9080/productpage');
    // Bookinfo renders the page whatever its backends answered.
    expect(res.status).toBe(200);
    expect(res.body).toContain('Sorry, product reviews are currently unavailable for this book.');
    expect(res.body).toContain('Sorry, product details are currently unavailable for this book.');
  });

  it('reviews v2/v3 show the ratings error when ratings is down', async () => {
    const w = new World();
    w.installIstio();
    w.deployBookinfo();
    const sleep = w.deploySleep();
    w.cluster.delete('Pod', 'default', w.pod('ratings').metadata.name);
    const res = await w.get(sleep, 'http://reviews:9080/reviews/0');
    expect(res.body).toMatch(/Ratings service is currently unavailable|"reviewer": "Reviewer1",  "text": "[^"]+"\}/);
  });
});
