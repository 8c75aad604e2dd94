// Model's saving methods, which forward to keras::saving.
#include "keras/engine/training.h"
#include "keras/saving/saving.h"

namespace keras {

void Model::save(const std::string& filepath, bool overwrite, bool include_optimizer) const {
  saving::save_model(*this, filepath, overwrite, include_optimizer);
}

void Model::save_weights(const std::string& filepath, bool overwrite) const {
  saving::save_weights(*this, filepath, overwrite);
}

void Model::load_weights(const std::string& filepath, bool by_name, bool skip_mismatch) {
  saving::load_weights(*this, filepath, by_name, skip_mismatch);
}

std::string Model::to_json(int indent) const {
  return saving::model_to_json_dict(*this).dump(indent);
}

}  // namespace keras
