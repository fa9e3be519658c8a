import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, flattenMenu, type MenuActions } from '../../src/main/menu';

function actions(): MenuActions & Record<string, ReturnType<typeof vi.fn>> {
  return {
    copyPublicUrl: vi.fn(),
    clearLog: vi.fn(),
    toggleTheme: vi.fn(),
    useSystemTheme: vi.fn(),
    setNotifications: vi.fn(),
  };
}

const byId = (items: MenuItemConstructorOptions[], id: string) =>
  flattenMenu(items).find((i) => i.id === id);
const click = (item: MenuItemConstructorOptions | undefined, checked = false) =>
  (item!.click as (i: { checked: boolean }) => void)({ checked });

describe('the application menu', () => {
  it('offers DevTools in development only', () => {
    const a = actions();
    const roles = (isDev: boolean) =>
      flattenMenu(buildMenuTemplate(a, { isDev, platform: 'linux', notifications: true })).map(
        (i) => i.role,
      );
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('forceReload');
  });

  it('wires its items to the actions, with shortcuts', () => {
    const a = actions();
    const t = buildMenuTemplate(a, { isDev: false, platform: 'win32', notifications: false });
    click(byId(t, 'copy-public-url'));
    click(byId(t, 'clear-log'));
    click(byId(t, 'toggle-theme'));
    click(byId(t, 'system-theme'));
    click(byId(t, 'notifications'), true);
    expect(a.copyPublicUrl).toHaveBeenCalledOnce();
    expect(a.clearLog).toHaveBeenCalledOnce();
    expect(a.toggleTheme).toHaveBeenCalledOnce();
    expect(a.useSystemTheme).toHaveBeenCalledOnce();
    expect(a.setNotifications).toHaveBeenCalledWith(true);
    expect(byId(t, 'notifications')).toMatchObject({ type: 'checkbox', checked: false });
    expect(byId(t, 'copy-public-url')?.accelerator).toBe('CmdOrCtrl+Shift+C');
    // The usual shortcuts: edit (copy/paste), window, quit.
    const roles = flattenMenu(t).map((i) => i.role);
    expect(roles).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'quit', 'reload']));
  });

  it('has the app menu first on macOS', () => {
    const t = buildMenuTemplate(actions(), {
      isDev: false,
      platform: 'darwin',
      notifications: true,
    });
    expect(t[0]!.label).toBe('Hookscope');
    expect(flattenMenu([t[0]!]).map((i) => i.role)).toEqual(
      expect.arrayContaining(['about', 'hide', 'quit']),
    );
    expect(byId(t, 'notifications')?.checked).toBe(true);
  });
});
