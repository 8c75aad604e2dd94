// The conversions of python_layer.h.
#include "python_layer.h"

namespace keras::python {

py::object mask_or_none(const SymbolicTensor& mask) {
  return mask.defined() ? py::cast(mask) : py::none();
}

py::list shapes_to_list(const std::vector<Shape>& shapes) {
  py::list out;
  for (const auto& shape : shapes) out.append(shape_to_tuple(shape));
  return out;
}

py::object one_or_list(const std::vector<SymbolicTensor>& tensors) {
  if (tensors.size() == 1) return py::cast(tensors.front());
  return to_list(tensors);
}

py::object masks_to_python(const std::vector<SymbolicTensor>& inputs,
                           const std::vector<SymbolicTensor>& masks) {
  if (inputs.size() == 1) return mask_or_none(masks.empty() ? SymbolicTensor() : masks.front());
  py::list out;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    out.append(i < masks.size() ? mask_or_none(masks[i]) : py::none());
  return out;
}

std::vector<SymbolicTensor> tensors_of(py::handle out, const char* what, bool none_allowed) {
  std::vector<SymbolicTensor> tensors;
  auto one = [&](py::handle item) {
    if (none_allowed && item.is_none())
      tensors.emplace_back();
    else if (py::isinstance<SymbolicTensor>(item))
      tensors.push_back(item.cast<SymbolicTensor>());
    else
      throw py::type_error(std::string(what) + " of a Python layer must return a tensor or a " +
                           "list of tensors, got " + py::repr(item).cast<std::string>());
  };
  if (py::isinstance<py::list>(out) || py::isinstance<py::tuple>(out))
    for (auto item : out) one(item);
  else
    one(out);
  return tensors;
}

}  // namespace keras::python
