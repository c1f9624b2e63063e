#!/usr/bin/env python3
"""Writes PyTorch-format checkpoints without torch, for the reader's tests: the same bytes
torch.save(state_dict) lays out (a ZIP archive, entries stored, <root>/data.pkl pickled with
protocol 2 whose tensors are torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict()) over persistent ids ('storage', torch.<Type>Storage, key, 'cpu',
numel), and <root>/data/<key> holding each storage's raw little-endian bytes). Stand-in classes
carry torch's module and qualified names, so Python's pickle writes the same GLOBAL opcodes.

usage:
  write_torch_checkpoint.py convert MODEL.safetensors OUT.bin   every tensor of a safetensors file;
                                                               tensors with equal bytes share one
                                                               storage (tied weights), one of them at
                                                               an offset inside a larger storage
  write_torch_checkpoint.py evil OUT.bin                        a state dict whose pickle calls os.system
  write_torch_checkpoint.py strided OUT.bin                     a transposed (non-contiguous) tensor
"""
import collections
import json
import pickle
import struct
import sys
import types
import zipfile

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, torch_utils


def _rebuild_tensor_v2(*args):
    raise RuntimeError("never called: this module only writes pickles")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2

STORAGE_TYPES = {"F32": "FloatStorage", "F16": "HalfStorage", "BF16": "BFloat16Storage", "I64": "LongStorage"}
ELEMENT_SIZE = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8}
for type_name in STORAGE_TYPES.values():
    storage_class = type(type_name, (), {"__module__": "torch"})
    setattr(torch, type_name, storage_class)


class Storage:
    def __init__(self, key, dtype, data):
        self.key, self.dtype, self.data = key, dtype, data


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2,
                (self.storage, self.offset, tuple(self.size), tuple(self.stride), False, collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            numel = len(obj.data) // ELEMENT_SIZE[obj.dtype]
            return ("storage", getattr(torch, STORAGE_TYPES[obj.dtype]), obj.key, "cpu", numel)
        return None


def contiguous_stride(shape):
    stride, step = [], 1
    for dim in reversed(shape):
        stride.insert(0, step)
        step *= dim
    return stride


def write_archive(path, state_dict, storages, root="archive", extra_pickle=None):
    import io
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state_dict)
    pickled = extra_pickle if extra_pickle is not None else buffer.getvalue()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(root + "/data.pkl", pickled)
        for storage in storages:
            archive.writestr(root + "/data/" + storage.key, storage.data)
        archive.writestr(root + "/version", "3\n")


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    data = blob[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensors[name] = (entry["dtype"], entry["shape"], data[begin:end])
    return tensors


def convert(source, out):
    tensors = read_safetensors(source)
    state_dict, storages, by_bytes = collections.OrderedDict(), [], {}
    names = sorted(tensors)
    for index, name in enumerate(names):
        dtype, shape, data = tensors[name]
        if (dtype, data) in by_bytes:  # tied weights: the same storage, viewed twice
            storage, offset = by_bytes[(dtype, data)]
            state_dict[name] = Tensor(storage, offset, shape, contiguous_stride(shape))
            continue
        # The first tensor sits behind one spare element of its storage, to exercise the offset.
        offset = 1 if index == 0 else 0
        storage = Storage(str(len(storages)), dtype, b"\0" * (offset * ELEMENT_SIZE[dtype]) + data)
        storages.append(storage)
        by_bytes[(dtype, data)] = (storage, offset)
        state_dict[name] = Tensor(storage, offset, shape, contiguous_stride(shape))
    write_archive(out, state_dict, storages, root="pytorch_model")


class Evil:
    def __reduce__(self):
        import os
        return (os.system, ("echo pwned > /tmp/rb_torch_pickle_pwned",))


def evil(out):
    storage = Storage("0", "F32", struct.pack("<4f", 1, 2, 3, 4))
    state_dict = collections.OrderedDict(weight=Tensor(storage, 0, [4], [1]), payload=Evil())
    write_archive(out, state_dict, [storage])


def strided(out):
    storage = Storage("0", "F32", struct.pack("<6f", *range(6)))
    write_archive(out, collections.OrderedDict(weight=Tensor(storage, 0, [3, 2], [1, 3])), [storage])


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "convert":
        convert(sys.argv[2], sys.argv[3])
    elif command == "evil":
        evil(sys.argv[2])
    elif command == "strided":
        strided(sys.argv[2])
    else:
        raise SystemExit(__doc__)
