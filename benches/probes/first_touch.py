"""How long this machine takes to touch fresh memory, with 4 KiB pages and with
transparent huge pages (the probe behind "What the time was" in docs/benchmarks.md).

    python3 benches/probes/first_touch.py [GIB]

Maps GIB GiB (default 1) of anonymous memory four times, alternating plain pages and
madvise(MADV_HUGEPAGE), writes one byte per 4 KiB page, and prints the time and how much
of the mapping the kernel backed with huge pages. The first rounds also pay the host's
cost of backing the guest's memory; later ones show the guest's own cost.
"""
import mmap
import sys
import time

size = int(float(sys.argv[1]) * (1 << 30)) if len(sys.argv) > 1 else 1 << 30
for huge in (False, True, False, True):
    region = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if huge:
        region.madvise(mmap.MADV_HUGEPAGE)
    start = time.perf_counter()
    for offset in range(0, size, 4096):
        region[offset] = 1
    elapsed = time.perf_counter() - start
    with open("/proc/self/smaps_rollup") as smaps:
        backed = next(line.split()[1] for line in smaps if line.startswith("AnonHugePages"))
    print(f"{'huge pages' if huge else '4 KiB pages'}: {elapsed:.3f} s, AnonHugePages {backed} kB")
    region.close()
