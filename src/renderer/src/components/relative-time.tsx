import { absoluteTime, relativeTime } from '../format/format';
import { useNow } from '../hooks/use-now';

/** "5s ago", updated by the shared ticker; the exact local time and the ISO on hover. */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useNow();
  return (
    <time className={className} dateTime={iso} title={absoluteTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}
