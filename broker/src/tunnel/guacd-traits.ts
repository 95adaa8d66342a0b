import { serverSpeaksAtLeast } from '@yunzhuo/protocol';

/**
 * What differs between the guacd versions users run (1.3.0 from Debian, 1.5.x, the current 1.6.x
 * image), read from guacd's own `args` reply, never guessed from timing. 1.5 and 1.6 both speak
 * protocol VERSION_1_5_0; 1.6 is told apart by the parameters it added (`disable-gfx` among
 * them). Facts: shared/notes/current-guacd.md.
 */
export interface GuacdTraits {
  /**
   * guacd before 1.5 (protocol ≤ VERSION_1_3_0) starts the RDP thread before the owner is in its
   * user list, so a new connection's first layer-0 `size` can go to nobody: a `sync` before that
   * size is the race's signature. From 1.5 on a sync before the size is normal (1.6 sends one
   * for frames without images ~40 ms after `ready`), and the race does not exist.
   */
  mayLoseLayer0Size: boolean;
  /**
   * guacd 1.6 draws through the RDP graphics pipeline unless `disable-gfx` is set, and the
   * pipeline needs 32 bpp: any other depth is ignored with a warning.
   */
  gfxNeeds32Bpp: boolean;
}

export function guacdTraits(serverArgs: readonly string[]): GuacdTraits {
  return {
    mayLoseLayer0Size: !serverSpeaksAtLeast(serverArgs[0], 'VERSION_1_5_0'),
    gfxNeeds32Bpp: serverArgs.includes('disable-gfx'),
  };
}
