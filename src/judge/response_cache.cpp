#include "judge/response_cache.h"

#include "db/sqlite.h"

namespace rb::judge {

ResponseCache::ResponseCache(const std::string& path) {
  db::OpenOptions options;
  options.shared_between_threads = true;
  db_ = std::make_unique<db::Database>(path, "judge cache", options);
  db_->exec("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, request TEXT NOT NULL, "
            "response TEXT NOT NULL)");
}

ResponseCache::~ResponseCache() = default;

std::optional<std::string> ResponseCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto select = db_->prepare("SELECT response FROM responses WHERE key = ?1");
  if (!select.bind(1, key).step()) return std::nullopt;
  return select.text(0);
}

void ResponseCache::put(const std::string& key, const std::string& request, const std::string& response) {
  std::lock_guard<std::mutex> lock(mutex_);
  db_->prepare("INSERT OR IGNORE INTO responses (key, request, response) VALUES (?1, ?2, ?3)")
      .bind(1, key)
      .bind(2, request)
      .bind(3, response)
      .step();
}

size_t ResponseCache::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  auto count = db_->prepare("SELECT COUNT(*) FROM responses");
  count.step();
  return static_cast<size_t>(count.integer(0));
}

}  // namespace rb::judge
