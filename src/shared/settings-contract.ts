import { z } from 'zod';
import { BasedOnRev, Settings, SettingsView } from './model';

/** Settings: retention, forwarding, the receiver's limits. Part of the one contract (contract.ts). */
export const settingsCommands = {
  getSettings: {
    access: 'read',
    input: z.object({}).strict(),
    output: SettingsView,
  },
  saveSettings: {
    access: 'write',
    /** `rev`: the settings' version this edit was based on (see saveEndpoint's). */
    input: Settings.partial().extend({ rev: BasedOnRev.optional() }).strict(),
    output: SettingsView,
  },
} as const;
