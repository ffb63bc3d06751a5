// Readings from /proc (Linux): a process's memory (peak and current), resetting its peak, the bytes
// it has written to disk, and which process listens on a port.
import fs from 'node:fs';

export interface MemoryStatus {
  hwm?: number;
  rss?: number;
}

export function memoryOf(pid: number | undefined): MemoryStatus {
  if (pid === undefined) return {};
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match?.[1] ? Number(match[1]) * 1024 : undefined;
    };
    const hwm = field('VmHWM');
    const rss = field('VmRSS');
    return { ...(hwm === undefined ? {} : { hwm }), ...(rss === undefined ? {} : { rss }) };
  } catch {
    return {};
  }
}

/** Resets the process's peak resident size (Linux: writing 5 to clear_refs); false when not allowed. */
export function resetPeak(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Bytes the process has caused to be written to disk so far (`write_bytes` of /proc/<pid>/io); undefined when unreadable. */
export function diskWritesOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^write_bytes:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** The process listening on a local TCP port (Linux, same user), for --url. */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue;
      if (parseInt(local.split(':')[1] ?? '', 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(link);
        if (match?.[1] && inodes.has(match[1])) return Number(pid);
      }
    } catch {
      // Not ours to look at, or gone.
    }
  }
  return undefined;
}
