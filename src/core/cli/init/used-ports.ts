// Which ports each host already gives to a member, so no two listeners on one host share a port.
import assert from 'node:assert';
import { portMax } from './validators';

/** etcd's own local-cluster convention (Procfile): the first member on a host gets 2379/2380, then 22379/22380... */
export const conventionalClientPorts: readonly number[] = Object.freeze([2379, 22379, 32379, 42379, 52379, 62379]);
/** After the conventional ports run out: 2381/2382, 2383/2384, ... (client odd, peer even, never overlapping). */
export const fallbackPortBase = 2381;
export const fallbackPortStep = 2;

export class UsedPorts {
  private readonly byHost = new Map<string, Map<number, string>>();

  private static key(host: string): string {
    return host.toLowerCase();
  }

  /** The owner ("infra0's client port") when the port is taken on that host. */
  ownerOf(host: string, port: number): string | undefined {
    return this.byHost.get(UsedPorts.key(host))?.get(port);
  }

  claim(host: string, port: number, owner: string): void {
    assert(this.ownerOf(host, port) === undefined, `port ${port} on ${host} claimed twice`);
    const k = UsedPorts.key(host);
    let ports = this.byHost.get(k);
    if (ports === undefined) {
      ports = new Map();
      this.byHost.set(k, ports);
    }
    ports.set(port, owner);
  }

  /** null when free, else the message to show */
  problem(host: string, port: number): string | null {
    const owner = this.ownerOf(host, port);
    return owner === undefined ? null : `port ${port} on ${host} is already ${owner}`;
  }

  /** The first free client port in the conventional order, then the fallback sequence. */
  defaultClientPort(host: string): number {
    for (const port of conventionalClientPorts) if (this.isFree(host, port) && this.isFree(host, port + 1)) return port;
    return this.firstFreeFallback(host, 0);
  }

  /** The client port + 1 when free (2379 → 2380), else the first free port of the fallback peer sequence. */
  defaultPeerPort(host: string, clientPort: number): number {
    if (clientPort + 1 <= portMax && this.isFree(host, clientPort + 1)) return clientPort + 1;
    return this.firstFreeFallback(host, 1);
  }

  private isFree(host: string, port: number): boolean {
    return this.ownerOf(host, port) === undefined;
  }

  private firstFreeFallback(host: string, offset: number): number {
    for (let port = fallbackPortBase + offset; port <= portMax; port += fallbackPortStep) {
      if (this.isFree(host, port) && (offset === 1 || this.isFree(host, port + 1))) return port;
    }
    throw new Error(`no free port left on ${host}`); // unreachable: membersMax members use at most 2 * membersMax ports
  }
}
