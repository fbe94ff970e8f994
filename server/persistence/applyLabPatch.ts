import type { Lab } from '../../shared/lab'
import type { UpdateLabInput } from '../../shared/validation'

/** The lab after a validated patch: shared by every backend so they agree on merge rules. */
export function applyLabPatch(lab: Lab, patch: UpdateLabInput, updatedAt: string): Lab {
  return {
    ...lab,
    ...(patch.title !== undefined && { title: patch.title }),
    ...(patch.theme !== undefined && { theme: patch.theme }),
    ...(patch.territory !== undefined && { territory: patch.territory }),
    ...(patch.startDate !== undefined && { startDate: patch.startDate }),
    ...(patch.phase !== undefined && { phase: patch.phase }),
    ...(patch.members !== undefined && { members: patch.members }),
    // Activity states merge: a patch names the activities it changes.
    ...(patch.activities !== undefined && { activities: { ...lab.activities, ...patch.activities } }),
    updatedAt,
  }
}
