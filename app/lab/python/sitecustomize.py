"""Sockscope's startup hook for Python programs traced in the lab with their source lines.

The lab puts this folder first on PYTHONPATH.  Around each socket operation (the methods of
socket.socket, socketpair, select, the selectors once imported, os.fork) the calling thread writes its id and
the script's current file and line (the first frame outside Python's own library) into its slot
of a small memory area; the lab, which has the thread stopped at the system call, reads the
slot with process_vm_readv (app/lab/sockscope-unwind.c has the layout).  No sys.settrace: the
cost is one frame walk and one small write per socket operation.

Layout: a memfd named "sockscope-pysource" mapped MAP_PRIVATE (a forked child gets its own
copy), SLOTS slots of SLOT_SIZE bytes: int32 thread id, int32 line (0: no socket operation
under way), the file name in UTF-8, NUL-terminated.
"""


def _map(fd, size):
    """A private writable mapping of fd that keeps no fd open: Python's mmap.mmap keeps a
    duplicate, which would give the program's sockets numbers one higher than without the hook."""
    import mmap
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long)
        addr = libc.mmap(None, size, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_PRIVATE, fd, 0)
        if addr is not None and addr != ctypes.c_void_p(-1).value:
            return memoryview((ctypes.c_char * size).from_address(addr)).cast("B")
    except Exception:
        pass
    return mmap.mmap(fd, size, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)


def _install():
    import os
    import struct
    import sys
    from _thread import get_native_id

    SLOTS, SLOT_SIZE = 32, 512
    fd = os.memfd_create("sockscope-pysource", os.MFD_CLOEXEC)
    try:
        os.ftruncate(fd, SLOTS * SLOT_SIZE)
        buf = _map(fd, SLOTS * SLOT_SIZE)
    finally:
        os.close(fd)
    hook_file = __file__
    skip = tuple({os.path.dirname(os.__file__) + os.sep, "<frozen "} |
                 {p + os.sep for p in sys.path if p.endswith(("site-packages", "dist-packages"))})
    slots = {}
    pack_into, unpack_from, getframe = struct.pack_into, struct.unpack_from, sys._getframe

    def slot_of(tid):
        off = slots.get(tid)
        if off is None:
            used = set(slots.values())
            first = tid % SLOTS
            for i in range(SLOTS):
                cand = ((first + i) % SLOTS) * SLOT_SIZE
                if cand not in used:
                    break
            else:
                cand = first * SLOT_SIZE     # more threads than slots: shared, the lab checks the id
            slots[tid] = off = cand
        return off

    names = {}

    def mark():
        """Writes the script's line; returns the slot's offset when this call wrote it."""
        tid = get_native_id()
        off = slots.get(tid)
        if off is None:
            off = slot_of(tid)
        slot_tid, line = unpack_from("=ii", buf, off)
        if slot_tid == tid and line != 0:
            return -1                        # an outer socket operation already named its line
        f = getframe(2)
        while f is not None:
            name = f.f_code.co_filename
            if not name.startswith(skip) and name != hook_file:
                break
            f = f.f_back
        if f is None:
            return -1
        data = names.get(name)
        if data is None:
            data = names[name] = os.path.abspath(name).encode("utf-8", "replace")[:SLOT_SIZE - 9] + b"\0"
        buf[off + 8:off + 8 + len(data)] = data
        pack_into("=ii", buf, off, tid, f.f_lineno)
        return off

    def wrap(func):
        def traced(*args, **kwargs):
            off = mark()
            try:
                return func(*args, **kwargs)
            finally:
                if off >= 0:
                    pack_into("=i", buf, off + 4, 0)
        traced.__name__ = getattr(func, "__name__", "traced")
        traced.__qualname__ = getattr(func, "__qualname__", traced.__name__)
        traced.__doc__ = getattr(func, "__doc__", None)
        traced.__wrapped__ = func
        return traced

    def after_import(module_name, patch):
        """patch(module) once the program imports module_name (a finder first on sys.meta_path)."""
        import importlib.machinery

        class Finder:
            @staticmethod
            def find_spec(name, path=None, target=None):
                if name != module_name:
                    return None
                sys.meta_path.remove(Finder)
                spec = importlib.machinery.PathFinder.find_spec(name, path)
                if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                    return spec
                exec_module = spec.loader.exec_module

                def exec_and_patch(module):
                    wrap(exec_module)(module)      # what its import does is the import's line
                    try:
                        patch(module)
                    except Exception:      # the program runs without these lines
                        pass
                spec.loader.exec_module = exec_and_patch
                return spec
        sys.meta_path.insert(0, Finder)

    def wrap_socket(socket):
        for name in ("__init__", "accept", "bind", "close", "connect", "connect_ex", "detach", "getpeername",
                     "getsockname", "getsockopt", "listen", "recv", "recv_into", "recvfrom", "recvfrom_into",
                     "recvmsg", "recvmsg_into", "send", "sendall", "sendfile", "sendmsg", "sendto",
                     "setblocking", "setsockopt", "settimeout", "shutdown"):
            if hasattr(socket.socket, name):
                setattr(socket.socket, name, wrap(getattr(socket.socket, name)))
        for name in ("socketpair", "create_connection", "create_server", "fromfd"):
            if hasattr(socket, name):
                setattr(socket, name, wrap(getattr(socket, name)))

    def wrap_selectors(selectors):
        # a selector's creation (epoll_create1), register/modify/unregister (epoll_ctl), select, close
        for cls in ("SelectSelector", "PollSelector", "EpollSelector", "DevpollSelector"):
            if hasattr(selectors, cls):
                for name in ("__init__", "register", "unregister", "modify", "select", "close"):
                    setattr(getattr(selectors, cls), name, wrap(getattr(getattr(selectors, cls), name)))

    # socket and selectors are wrapped when the program imports them, not imported here: importing
    # socket imports selectors, which makes an epoll to see that it can; that call is the
    # program's, at its `import socket` line, not the hook's before the program's first line
    for module_name, patch in (("socket", wrap_socket), ("selectors", wrap_selectors)):
        if module_name in sys.modules:
            patch(sys.modules[module_name])
        else:
            after_import(module_name, patch)
    import select
    if hasattr(select, "select"):
        select.select = wrap(select.select)
    import threading
    threading.Thread.start = wrap(threading.Thread.start)     # clone3
    for name in ("fork", "read", "write", "close", "_exit", "wait", "waitpid", "wait4", "waitid"):
        if hasattr(os, name):
            setattr(os, name, wrap(getattr(os, name)))


def _chain():
    """The system's own sitecustomize (Debian's), which this one hides on the path, still runs."""
    import importlib.machinery
    import importlib.util
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


try:
    _install()
except Exception:      # never stop a student's program: it runs without its lines
    pass
try:
    _chain()
except Exception:
    pass
