// The X CLIPBOARD selection of a logged-in desktop, read and set with Debian's xclip run as the
// desktop's user on its Xvnc display (the DISPLAY sesman gave the session's xterm). xrdp-chansrv,
// which sesman starts beside Xvnc, carries this selection to and from the RDP client (guacd).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { desktopProgramPid } from "./real-stack.js";

const XCLIP = "/usr/bin/xclip";
const SELECTION = ["-selection", "clipboard", "-t", "UTF8_STRING"];
/** what `xclip -quiet -i` prints once it owns the selection */
const OWNING = "Waiting for selection requests";

interface DesktopUser {
  uid: number;
  gid: number;
  env: NodeJS.ProcessEnv;
}

export class DesktopClipboard {
  /** xclip processes started by write() that still own (or serve) the selection */
  readonly #owners = new Set<ChildProcess>();

  private constructor(private readonly user: DesktopUser) {}

  /** The clipboard of `username`'s running desktop session (its X server exists only while it is logged in). */
  static async of(username: string): Promise<DesktopClipboard> {
    if (!existsSync(XCLIP)) throw new Error(`missing ${XCLIP}: run \`bash test/setup/install-deps.sh\` as root first`);
    const pid = await desktopProgramPid(username);
    if (pid === null) throw new Error(`${username} has no logged-in desktop`);
    const [environ, status] = await Promise.all([readFile(`/proc/${pid}/environ`, "utf8"), readFile(`/proc/${pid}/status`, "utf8")]);
    const vars = new Map(environ.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    const display = vars.get("DISPLAY");
    if (!display) throw new Error(`the desktop of ${username} (pid ${pid}) has no DISPLAY`);
    const home = vars.get("HOME") ?? `/home/${username}`;
    const uid = Number(/^Uid:\s*(\d+)/m.exec(status)?.[1]);
    const gid = Number(/^Gid:\s*(\d+)/m.exec(status)?.[1]);
    // sesman starts Xvnc with `-auth .Xauthority` in the user's home
    return new DesktopClipboard({ uid, gid, env: { DISPLAY: display, HOME: home, XAUTHORITY: `${home}/.Xauthority`, PATH: "/usr/bin:/bin", LANG: "C.UTF-8" } });
  }

  /**
   * The selection's text, or null while no program owns it, it offers no text, or its owner does
   * not hand the text over within `answerMs`. (With paste forbidden, guacd 1.3 still announces
   * text to the desktop, so xrdp-chansrv owns the selection, but a request for it is never answered.)
   */
  read(answerMs = 2_000): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const child = this.#xclip(["-o", ...SELECTION]);
      const timer = setTimeout(() => child.kill(), answerMs);
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve(code === 0 ? out : null);
      });
    });
  }

  /** Puts `text` on the selection: an xclip owns it until another program takes it over, or until close(). */
  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.#xclip(["-quiet", "-i", ...SELECTION]);
      this.#owners.add(child);
      let said = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        said += chunk.toString("utf8");
        if (said.includes(OWNING)) resolve();
      });
      child.on("error", reject);
      child.on("close", (code) => {
        this.#owners.delete(child);
        reject(new Error(`xclip -i exited ${code} before owning the clipboard: ${said.trim()}`));
      });
      child.stdin?.end(text);
    });
  }

  /** Ends the xclip processes this object started that still run. */
  close(): void {
    for (const child of this.#owners) child.kill();
    this.#owners.clear();
  }

  #xclip(args: string[]): ChildProcess {
    const { uid, gid, env } = this.user;
    return spawn(XCLIP, args, { uid, gid, env, cwd: env.HOME, stdio: ["pipe", "pipe", "pipe"] });
  }
}
