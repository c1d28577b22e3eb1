/**
 * Turns an app's HTML page into what the Preview frame shows: its stylesheets and scripts fetched through the
 * gateway and put inline (the frame may load nothing itself), the frame's policy and navigation script first.
 * Resources on other sites are left out and reported, as are those the app did not serve.
 */
import { FRAME_POLICY, NAVIGATION_SCRIPT, requestFor, type PreviewRequest } from './browsing.ts';

/** A page resource the app did not serve (its path and status), or that lives on another site. */
export interface MissingResource {
  url: string;
  status?: number;
}

/** Fetches one resource of the page through the gateway. */
export type FetchResource = (request: PreviewRequest) => Promise<{ status: number; body: string }>;

/** The frame's document for `html` (served at `pageUrl`), and what of it could not be brought in. */
export async function framePage(
  html: string,
  pageUrl: string,
  fetchResource: FetchResource,
): Promise<{ html: string; missing: MissingResource[] }> {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const missing: MissingResource[] = [];
  const bring = async (element: Element, attribute: 'href' | 'src', make: (text: string) => Element) => {
    const href = element.getAttribute(attribute) ?? '';
    const request = requestFor(href, pageUrl);
    if (!request) {
      missing.push({ url: href });
      element.remove();
      return;
    }
    const answer = await fetchResource(request).catch(() => ({ status: 0, body: '' }));
    if (answer.status < 200 || answer.status >= 300) {
      missing.push({ url: request.path, status: answer.status });
      element.remove();
      return;
    }
    element.replaceWith(make(answer.body));
  };
  const jobs: Promise<void>[] = [];
  for (const link of doc.querySelectorAll('link[rel~="stylesheet" i][href]'))
    jobs.push(
      bring(link, 'href', (text) => {
        const style = doc.createElement('style');
        style.textContent = text;
        return style;
      }),
    );
  for (const script of doc.querySelectorAll('script[src]'))
    jobs.push(
      bring(script, 'src', (text) => {
        const inline = doc.createElement('script');
        for (const { name, value } of script.attributes) if (name !== 'src') inline.setAttribute(name, value);
        // `</script` inside the code would end the element early once the document is serialized.
        inline.textContent = text.replace(/<\/script/gi, '<\\/script');
        return inline;
      }),
    );
  await Promise.all(jobs);
  const policy = doc.createElement('meta');
  policy.httpEquiv = 'Content-Security-Policy';
  policy.content = FRAME_POLICY;
  const navigation = doc.createElement('script');
  navigation.textContent = NAVIGATION_SCRIPT;
  doc.head.prepend(policy, navigation);
  return { html: `<!DOCTYPE html>\n${doc.documentElement.outerHTML}`, missing };
}
