"""netmedia: consolidate and check a university's network-media registration returns.

Importing the package gives Arrow (the memory of pandas' text columns) the C library's allocator instead of
pyarrow's default, mimalloc: mimalloc hands freed memory back to the system after a delay and takes it again,
and in about two ingests of five that cost 0.15-0.3 s of system time in the serial work after the read
(``docs/performance.md``, session 8). A user's own ``ARROW_DEFAULT_MEMORY_POOL`` still decides.
"""

import os

import pyarrow

__version__ = "0.1.0"

if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
