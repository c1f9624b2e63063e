#pragma once
// A PyTorch checkpoint (pytorch_model.bin, *.pt, *.pth) as torch.save has written it since 1.6:
// a ZIP archive (zip_archive.h) holding <root>/data.pkl, the pickled state dict read by the
// restricted unpickler of torch_pickle.h, and one entry <root>/data/<key> per storage. The file
// is memory-mapped and every tensor is a view of its storage's bytes, so loading keeps the
// memory bound of safetensors (no second copy). Contiguous tensors only (what state dicts hold;
// tensors sharing a storage, e.g. tied weights, are views of the same bytes). The legacy
// pre-1.6 format and any pickle that asks for more than a state dict are refused with
// rb::IoError naming the file.
#include <map>
#include <string>
#include <vector>

#include "io/mapped_file.h"
#include "io/safetensors.h"
#include "io/torch_pickle.h"

namespace rb::io {

class TorchCheckpointFile final : public WeightFile {
 public:
  explicit TorchCheckpointFile(const std::string& path);

  const std::string& path() const override { return file_.path(); }
  std::vector<std::string> tensor_names() const override;
  bool contains(const std::string& name) const override { return tensors_.count(name) != 0; }
  TensorView describe(const std::string& name) const override;

 private:
  MappedFile file_;
  std::map<std::string, TensorView> tensors_;
};

}  // namespace rb::io
