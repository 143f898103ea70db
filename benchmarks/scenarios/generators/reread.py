# Workload generator: a data loader that maps its SIZE_MB dataset and reads every page of it, pass
# after pass, for SECONDS (one core busy while the file is cached). The file is written and fsynced
# in DIR first, so its page cache is charged to this process's memory cgroup: that cache is its
# working set. Under a memory limit below SIZE_MB every pass faults the pages back in from disk
# while the kernel reclaims (memory pressure: PSI memory stalls of 10-25% on the 2-core dev VM,
# where reading the same file with read() instead stalled only 4-7%). Python, because Node has no
# mmap. TAG is only there so process-exporter can name its group from the command line.
import mmap
import os
import sys
import time

size_mb, seconds, folder = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
path = os.path.join(folder, f"reread-{os.getpid()}.dat")
with open(path, "wb") as out:
    chunk = b"\7" * (1 << 20)
    for _ in range(size_mb):
        out.write(chunk)
    out.flush()
    os.fsync(out.fileno())
with open(path, "rb") as f:
    data = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
end = time.time() + seconds
total = 0
while time.time() < end:
    for off in range(0, len(data), 4096):
        total += data[off]
os.remove(path)
