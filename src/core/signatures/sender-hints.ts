import type { ProviderId } from '../../shared/model';
import { detectionOrder, type SenderHeader } from '../../shared/providers';
import type { HeaderBag } from './headers';

/**
 * The provider the headers name as the sender, and by which header; null when none does.
 * Each catalogue row's `sender` lists the headers other than the signature by which the
 * provider names itself (its event or delivery header, its User-Agent), tried in detection
 * order. On an `auto` endpoint a delivery that carries one of these but no signature is that
 * provider's delivery with its signature missing, the way a forgery looks, not an unknown one.
 */
export function senderOf(h: HeaderBag): { id: ProviderId; by: string } | null {
  for (const p of detectionOrder) {
    if (!p.sender) continue;
    const by =
      (p.sender.headers ?? []).map((name) => header(h, name)).find((b) => b !== null) ??
      (p.sender.userAgent ? userAgent(h, p.sender.userAgent) : null);
    if (by) return { id: p.id, by };
  }
  return null;
}

/** `<name> header` when every header of `name` is present (the first one named). */
function header(h: HeaderBag, name: SenderHeader): string | null {
  const names = typeof name === 'string' ? [name] : name;
  return names.every((n) => h.has(n)) ? `${names[0]} header` : null;
}

function userAgent(h: HeaderBag, pattern: RegExp): string | null {
  const ua = h.get('user-agent');
  if (ua === undefined || !pattern.test(ua)) return null;
  return `User-Agent ${JSON.stringify(ua.length > 60 ? `${ua.slice(0, 60)}…` : ua)}`;
}
