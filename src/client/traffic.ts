/** The live traffic view: bars per version of a service, from its sidecars' access logs, refreshed while on screen. */
import { trafficSummarySchema } from '../../lab-server/src/protocol/api.ts';
import { t, type Lang } from '../i18n/ui.ts';
import { api } from './session.ts';

/** Wires one view. */
export function wireTraffic(root: HTMLElement): void {
  const lab = root.dataset.lab!;
  const service = root.dataset.service!;
  const namespace = root.dataset.namespace ?? '';
  const seconds = Number(root.dataset.seconds ?? 60);
  const lang = (root.dataset.lang ?? 'ko') as Lang;
  const bars = root.querySelector<HTMLElement>('[data-bars]')!;
  let visible = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = async () => {
    clearTimeout(timer);
    try {
      const summary = await api(
        `/api/labs/${lab}/traffic?service=${encodeURIComponent(service)}` +
          `${namespace ? `&namespace=${encodeURIComponent(namespace)}` : ''}&seconds=${seconds}`,
        trafficSummarySchema,
      );
      const total = summary.versions.reduce((n, v) => n + v.requests, 0);
      if (total === 0 && summary.versions.every((v) => v.mirrored === 0)) {
        bars.replaceChildren(Object.assign(document.createElement('p'), { textContent: t(lang, 'traffic.empty') }));
      } else {
        bars.replaceChildren(
          ...summary.versions.map((v) => {
            const row = document.createElement('div');
            row.className = 'labs-bar-row';
            row.dataset.version = v.version;
            row.dataset.requests = String(v.requests);
            const share = total ? v.requests / total : 0;
            const extra = [
              v.errors ? t(lang, 'traffic.errors', { n: v.errors }) : '',
              v.mirrored ? t(lang, 'traffic.mirrored', { n: v.mirrored }) : '',
            ]
              .filter(Boolean)
              .join(' · ');
            row.innerHTML =
              `<span class="labs-bar-label"></span><span class="labs-bar"><span ` +
              `class="labs-bar-fill"></span></span><span class="labs-bar-text"></span>`;
            row.querySelector('.labs-bar-label')!.textContent = v.version;
            (row.querySelector('.labs-bar-fill') as HTMLElement).style.width = `${Math.round(share * 100)}%`;
            row.querySelector('.labs-bar-text')!.textContent =
              `${Math.round(share * 100)} % · ${t(lang, 'traffic.requests', { n: v.requests })}${extra ? ` · ${extra}` : ''}`;
            return row;
          }),
        );
      }
      root.dataset.total = String(total);
    } catch {
      // No lab server: the view stays empty.
    }
    if (visible) timer = setTimeout(() => void load(), 3000);
  };

  new IntersectionObserver((entries) => {
    visible = entries.some((e) => e.isIntersecting);
    if (visible) void load();
    else clearTimeout(timer);
  }).observe(root);
  window.addEventListener('labs:traffic', () => void load());
}
