/**
 * What to run (as root) on a thin client to install the agent and enroll it with a join token:
 * docs/AGENT.md's unattended install, debconf preseeded with this broker's address and the token.
 * The `.deb` (`npm run package:agent`) is copied to the box first; the glob takes its version.
 */
export function agentInstallCommand(brokerUrl: string, token: string): string {
  return [
    `printf '%s\\n' 'yunzhuo-agent yunzhuo-agent/broker-url string ${brokerUrl}' \\`,
    `  'yunzhuo-agent yunzhuo-agent/join-token password ${token}' | debconf-set-selections`,
    `DEBIAN_FRONTEND=noninteractive apt-get install -y ./yunzhuo-agent_*_all.deb`,
  ].join('\n');
}
