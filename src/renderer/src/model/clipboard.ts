/**
 * The one place that writes to the clipboard: the async Clipboard API (allowed on the
 * loopback origin and in Electron), else a hidden textarea and execCommand. When the
 * Electron preload offers a clipboard of its own, it is to be used from here.
 * Resolves false when every way failed.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return legacyCopy(text);
  }
}

function legacyCopy(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
