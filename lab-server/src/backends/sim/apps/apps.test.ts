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
  // Markup of Bookinfo 1.20.3's Tailwind template (istio/istio 1.30.3,
  // samples/bookinfo/src/productpage/templates/productpage.html), as Jinja renders it for each version's stars.
  const RED = '<div class="flex gap-x-1 text-red-500">';
  const BLACK = '<div class="flex gap-x-1 text-black-500">';
  const FULL_STAR =
    '<svg id="glyphicon glyphicon-star" class="h-5 w-5 flex-none" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">';
  const EMPTY_STAR =
    '<svg xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 ' +
    '24" stroke-width="1.5" stroke="currentColor" class="h-5 w-5 flex-none">';

  it('productpage renders details and the reviews with the stars of the version that answered', async () => {
    const w = new World();
    w.installIstio();
    w.deployBookinfo();
    const sleep = w.deploySleep();
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const res = await w.get(sleep, 'http://productpage:9080/productpage');
      expect(res.status).toBe(200);
      expect(res.body).toContain('<title>Simple Bookstore App</title>');
      expect(res.body).toContain('<h4 class="text-3xl font-semibold">Book Details</h4>');
      expect(res.body).toContain(
        '<td class="whitespace-nowrap py-2 pl-4 pr-3 text-sm text-gray-500 sm:pl-0">1234567890</td>',
      );
      expect(res.body).toContain('<h4 class="text-3xl font-semibold">Book Reviews</h4>');
      expect(res.body).not.toContain('color="');
      const served = /Reviews served by: \n\s+(reviews-v\d)-/.exec(res.body)?.[1];
      const color = res.body.includes(RED) ? 'red' : res.body.includes(BLACK) ? 'black' : 'none';
      seen.add(`${served}:${color}`);
      const full = res.body.split('\n').filter((l) => l.trim() === FULL_STAR).length;
      const empty = res.body.split('\n').filter((l) => l.trim() === EMPTY_STAR).length;
      // Reviewer1 5 stars, Reviewer2 4 stars and one empty; `grep -c glyphicon-star` counts the 9 full ones.
      expect([full, empty]).toEqual(color === 'none' ? [0, 0] : [9, 1]);
      expect(res.body.split('\n').filter((l) => l.includes('glyphicon-star')).length).toBe(full);
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
    expect(res.body).toContain('<p class="text-2xl text-red-500">Error fetching product reviews</p>');
    expect(res.body).toContain(
      '<p class="text-lg text-gray-600">Sorry, product reviews are currently unavailable for this book.</p>',
    );
    expect(res.body).toContain('<p class="text-2xl text-red-500">Error fetching product details</p>');
    expect(res.body).toContain('Sorry, product details are currently unavailable for this book.');
    expect(res.body).not.toContain('glyphicon-star');
  });

  it('reviews v2/v3 show the ratings error when ratings is down, and the page prints it in red text', async () => {
    const w = new World();
    w.installIstio();
    w.deployBookinfo();
    const sleep = w.deploySleep();
    w.cluster.delete('Pod', 'default', w.pod('ratings').metadata.name);
    const v3 = w.pod('reviews-v3').status as { podIP: string };
    const res = await w.get(sleep, `http://${v3.podIP}:9080/reviews/0`);
    expect(res.body).toBe(
      `{"id": "0","podname": "${w.pod('reviews-v3').metadata.name}","clustername": "null","reviews": [` +
        '{  "reviewer": "Reviewer1",  "text": "An extremely entertaining play by Shakespeare. The ' +
        'slapstick humour is refreshing!", "rating": {"error": "Ratings service is currently unavailable"}},' +
        '{  "reviewer": "Reviewer2",  "text": "Absolutely fun and entertaining. The play lacks thematic depth when ' +
        'compared to other plays by Shakespeare.", "rating": {"error": "Ratings service is currently unavailable"}}]}',
    );
  });

  it('prepared answers follow what they are made of: reviews show stars again once ratings is back', async () => {
    const w = new World();
    w.installIstio();
    w.deployBookinfo();
    const sleep = w.deploySleep();
    const v3 = w.pod('reviews-v3').status as { podIP: string };
    const reviews = () => w.get(sleep, `http://${v3.podIP}:9080/reviews/0`);
    const first = await reviews();
    expect(first.body).toContain('"rating": {"stars": 5, "color": "red"}');
    // The same answer is the same string again (the page's memos then find it without reading it).
    expect((await reviews()).body).toBe(first.body);
    const ratings = w.pod('ratings');
    w.cluster.delete('Pod', 'default', ratings.metadata.name);
    expect((await reviews()).body).toContain('"rating": {"error": "Ratings service is currently unavailable"}');
    w.cluster.apply(ratings);
    expect((await reviews()).body).toBe(first.body);
    // Another id is another answer, in the body and in the details' and ratings' answers too.
    expect((await w.get(sleep, `http://${v3.podIP}:9080/reviews/7`)).body).toContain('{"id": "7",');
    expect((await w.get(sleep, 'http://details:9080/details/7')).body).toMatch(/^\{"id":7,/);
    expect((await w.get(sleep, 'http://ratings:9080/ratings/7')).body).toBe(
      '{"id":7,"ratings":{"Reviewer1":5,"Reviewer2":4}}',
    );
  });

  it('details, ratings and reviews answer JSON as the 1.20.3 images do', async () => {
    const w = new World();
    w.installIstio();
    w.deployBookinfo();
    const sleep = w.deploySleep();
    expect((await w.get(sleep, 'http://details:9080/details/0')).body).toBe(
      '{"id":0,"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"PublisherA",' +
        '"language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}',
    );
    const bad = await w.get(sleep, 'http://details:9080/details/x');
    expect([bad.status, bad.body]).toEqual([400, '{"error":"please provide numeric product id"}']);
    expect((await w.get(sleep, 'http://details:9080/nothing')).status).toBe(404);
    expect((await w.get(sleep, 'http://ratings:9080/ratings/0')).body).toBe(
      '{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}',
    );
    const api = await w.get(sleep, 'http://productpage:9080/api/v1/products/0');
    expect(api.body).toBe(
      '{"id": 0, "author": "William Shakespeare", "year": 1595, "type": "paperback", "pages": 200, ' +
        '"publisher": "PublisherA", "language": "English", "ISBN-10": "1234567890", "ISBN-13": "123-1234567890"}',
    );
    expect(w.log('default', w.pod('ratings').metadata.name, 'ratings')).toContain('GET /ratings/0');
  });
});
