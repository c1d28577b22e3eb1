/**
 * The API a learner follows in a chapter: Istio's own or the Kubernetes Gateway API. Picked once (the latest pick is
 * every chapter's default), remembered per chapter in localStorage, shown by `html[data-labs-api]` (the lesson's
 * variant blocks, hints and titles follow it in CSS) and told to the steps, the terminal and the server by a
 * `labs:api` event.
 */
import { LAB_APIS, type LabApi } from '../../lab-server/src/labs/schema.ts';

/** What `labs:api` events carry. */
export interface ApiChoiceDetail {
  lab: string;
  api: LabApi;
}

const DEFAULT_KEY = 'labs.api';
const chapterKey = (lab: string) => `labs.api.${lab}`;

function isApi(value: string | null | undefined): value is LabApi {
  return (LAB_APIS as readonly string[]).includes(value ?? '');
}

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** The remembered choice for `lab`: its own, else the latest pick anywhere, else Istio's. */
export function rememberedApi(lab: string): LabApi {
  const own = stored(chapterKey(lab));
  if (isApi(own)) return own;
  const latest = stored(DEFAULT_KEY);
  return isApi(latest) ? latest : 'istio';
}

/**
 * The API the page's steps are in now. Only a chapter with a picker (one that offers the Gateway API) is ever in
 * another API than Istio's.
 */
export function currentApi(lab: string): LabApi {
  if (!document.querySelector(`[data-api-picker][data-lab="${lab}"]`)) return 'istio';
  const shown = document.documentElement.dataset.labsApi;
  return isApi(shown) ? shown : rememberedApi(lab);
}

/** Shows the page in `api`: variant blocks by CSS, step titles by their `data-title-<api>` text. */
function show(api: LabApi): void {
  document.documentElement.dataset.labsApi = api;
  for (const title of document.querySelectorAll<HTMLElement>('[data-title-gateway]')) {
    const text = api === 'gateway' ? title.dataset.titleGateway : title.dataset.titleIstio;
    if (text !== undefined && title.textContent !== text) title.textContent = text;
  }
  // The steps list repaints a step when its section changes.
  for (const section of document.querySelectorAll<HTMLElement>('section.labs-step')) section.dataset.api = api;
}

/** Picks `api` for `lab`: remembered, shown, and announced. */
export function chooseApi(lab: string, api: LabApi): void {
  try {
    localStorage.setItem(chapterKey(lab), api);
    localStorage.setItem(DEFAULT_KEY, api);
  } catch {
    // Storage refused (private mode): the choice holds for this page.
  }
  show(api);
  window.dispatchEvent(new CustomEvent<ApiChoiceDetail>('labs:api', { detail: { lab, api } }));
}

/** Wires one picker: its radios show the chapter's choice and switch it. */
export function wireApiPicker(root: HTMLElement): void {
  const lab = root.dataset.lab!;
  const api = rememberedApi(lab);
  show(api);
  const radios = [...root.querySelectorAll<HTMLInputElement>('input[type="radio"][name^="labs-api"]')];
  for (const radio of radios) {
    radio.checked = radio.value === api;
    radio.disabled = false;
    radio.addEventListener('change', () => {
      if (radio.checked && isApi(radio.value)) chooseApi(lab, radio.value);
    });
  }
}
