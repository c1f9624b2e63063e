#include "mock_hub.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace rb::hub::testing {

struct MockHub::Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<size_t> cut_after;  // close the connection after this many body bytes
};

namespace {

std::string digest_hex(const EVP_MD* algorithm, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, algorithm, nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += std::string{kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return hex;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 302: return "Found";
    case 307: return "Temporary Redirect";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 416: return "Range Not Satisfiable";
    default: return "Status";
  }
}

std::string url_decode(const std::string& text) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::string header_of(const RecordedRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? "" : it->second;
}

// Serves "Range: bytes=N-" (the only form the client sends) from `content`.
MockHub::Reply body_reply(const RecordedRequest& request, const std::string& content, bool ignore_range) {
  MockHub::Reply reply;
  reply.headers.push_back({"Accept-Ranges", "bytes"});
  const std::string range = header_of(request, "range");
  if (range.rfind("bytes=", 0) == 0 && !ignore_range) {
    const size_t dash = range.find('-');
    const size_t start = std::stoull(range.substr(6, dash - 6));
    size_t last = content.empty() ? 0 : content.size() - 1;
    if (dash != std::string::npos && dash + 1 < range.size()) last = std::min(last, size_t(std::stoull(range.substr(dash + 1))));
    if (start >= content.size()) {
      reply.status = 416;
      reply.headers.push_back({"Content-Range", "bytes */" + std::to_string(content.size())});
      return reply;
    }
    reply.status = 206;
    reply.headers.push_back({"Content-Range", "bytes " + std::to_string(start) + "-" + std::to_string(last) + "/" +
                                                  std::to_string(content.size())});
    reply.body = content.substr(start, last - start + 1);
    return reply;
  }
  reply.body = content;
  return reply;
}

MockHub::Reply error_reply(int status, const std::string& code, const std::string& message) {
  MockHub::Reply reply;
  reply.status = status;
  reply.headers.push_back({"X-Error-Code", code});
  reply.headers.push_back({"X-Error-Message", message});
  reply.headers.push_back({"Content-Type", "application/json"});
  reply.body = nlohmann::json{{"error", message}}.dump();
  return reply;
}

}  // namespace

std::string git_blob_sha1(const std::string& content) {
  return digest_hex(EVP_sha1(), "blob " + std::to_string(content.size()) + std::string(1, '\0') + content);
}
std::string sha256_of(const std::string& content) { return digest_hex(EVP_sha256(), content); }

// One listening socket and a thread that answers one connection at a time ("Connection: close").
class LoopbackServer {
 public:
  using Handler = std::function<MockHub::Reply(RecordedRequest&)>;

  explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0)
      throw std::runtime_error("mock hub: cannot listen on 127.0.0.1");
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~LoopbackServer() { stop(); }

  void stop() {
    if (stopping_.exchange(true)) return;
    thread_.join();
    ::close(listener_);
  }

  int port() const { return port_; }

 private:
  void serve() {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 50) <= 0) continue;
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      handle(connection);
      ::close(connection);
    }
  }

  static bool read_request_head(int connection, std::string& head) {
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      pollfd ready{connection, POLLIN, 0};
      if (::poll(&ready, 1, 2000) <= 0) return false;
      const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      head.append(buffer, static_cast<size_t>(n));
    }
    return true;
  }

  static bool read_body(int connection, std::string& body, size_t size) {
    char buffer[4096];
    while (body.size() < size) {
      pollfd ready{connection, POLLIN, 0};
      if (::poll(&ready, 1, 2000) <= 0) return false;
      const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      body.append(buffer, static_cast<size_t>(n));
    }
    return true;
  }

  static RecordedRequest parse(const std::string& head) {
    RecordedRequest request;
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);
    std::istringstream request_line(line);
    request_line >> request.method >> request.target;
    while (std::getline(lines, line) && line != "\r") {
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
      request.headers[name] = value;
    }
    return request;
  }

  static void send_all(int connection, const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::send(connection, data, size, MSG_NOSIGNAL);
      if (n <= 0) return;
      data += n;
      size -= static_cast<size_t>(n);
    }
  }

  void handle(int connection) {
    std::string head;
    if (!read_request_head(connection, head)) return;
    const size_t head_end = head.find("\r\n\r\n") + 4;
    RecordedRequest request = parse(head.substr(0, head_end));
    request.body = head.substr(head_end);
    const size_t body_size = request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
    if (!read_body(connection, request.body, body_size)) return;
    const MockHub::Reply reply = handler_(request);
    std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason_phrase(reply.status) + "\r\n";
    for (const auto& [name, value] : reply.headers) response += name + ": " + value + "\r\n";
    response += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n";
    send_all(connection, response.data(), response.size());
    if (request.method == "HEAD") return;
    const size_t bytes = std::min(reply.body.size(), reply.cut_after.value_or(reply.body.size()));
    send_all(connection, reply.body.data(), bytes);
    if (bytes < reply.body.size()) ::shutdown(connection, SHUT_RDWR);  // the cut: fewer bytes than announced
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

MockHub::MockHub() {
  cdn_ = std::make_unique<LoopbackServer>([this](RecordedRequest& request) {
    request.server = "cdn";
    return answer_cdn(request);
  });
  hub_ = std::make_unique<LoopbackServer>([this](RecordedRequest& request) {
    request.server = "hub";
    return answer_hub(request);
  });
}

MockHub::~MockHub() { stop(); }

std::string MockHub::endpoint() const { return "http://127.0.0.1:" + std::to_string(hub_->port()); }
std::string MockHub::cdn_endpoint() const { return "http://127.0.0.1:" + std::to_string(cdn_->port()); }

void MockHub::add_repo(const MockRepo& repo) {
  std::lock_guard<std::mutex> lock(mutex_);
  repos_.erase(std::remove_if(repos_.begin(), repos_.end(),
                              [&](const MockRepo& old) { return old.dataset == repo.dataset && old.id == repo.id; }),
               repos_.end());
  repos_.push_back(repo);
  for (const auto& [commit, files] : repo.commits)
    for (const auto& [path, file] : files)
      if (file.lfs) lfs_objects_[sha256_of(file.content)] = file.content;
}

void MockHub::set_faults(const MockFaults& faults) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_ = faults;
}

std::vector<RecordedRequest> MockHub::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

size_t MockHub::request_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_.size();
}

void MockHub::clear_requests() {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.clear();
}

void MockHub::stop() {
  if (hub_) hub_->stop();
  if (cdn_) cdn_->stop();
}

// Only a body longer than the cut point is cut (and only then is a cut used up).
void MockHub::apply_cut(const RecordedRequest& request, Reply& reply) {
  if (!faults_.cut_after_bytes || faults_.cuts_left <= 0 || request.method != "GET") return;
  if (reply.body.size() <= *faults_.cut_after_bytes) return;
  --faults_.cuts_left;
  reply.cut_after = faults_.cut_after_bytes;
}

const MockRepo* MockHub::find_renamed_repo(bool dataset, const std::string& old_id) const {
  for (const auto& repo : repos_)
    if (repo.dataset == dataset && std::find(repo.old_ids.begin(), repo.old_ids.end(), old_id) != repo.old_ids.end())
      return &repo;
  return nullptr;
}

static MockHub::Reply redirect_reply(const std::string& relative_location) {
  MockHub::Reply reply;
  reply.status = 307;
  reply.headers.push_back({"Location", relative_location});
  return reply;
}

const MockRepo* MockHub::find_repo(bool dataset, const std::string& id) const {
  for (const auto& repo : repos_)
    if (repo.dataset == dataset && repo.id == id) return &repo;
  return nullptr;
}

MockHub::Reply MockHub::answer_hub(const RecordedRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.push_back(request);
  if (faults_.required_token && header_of(request, "authorization") != "Bearer " + *faults_.required_token)
    return error_reply(401, "RepoNotFound", "Invalid username or password.");
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path.rfind("/api/", 0) == 0) return answer_api(request, path.substr(5));
  if (path.rfind("/datasets/", 0) == 0) return answer_resolve(request, path.substr(10), true);
  return answer_resolve(request, path.substr(1), false);
}

MockHub::Reply MockHub::answer_resolve(const RecordedRequest& request, const std::string& path, bool dataset) {
  const size_t marker = path.find("/resolve/");
  if (marker == std::string::npos) return error_reply(404, "", "Not a resolve URL");
  const std::string rest = path.substr(marker + 9);
  const MockRepo* repo = find_repo(dataset, url_decode(path.substr(0, marker)));
  if (const MockRepo* renamed = repo ? nullptr : find_renamed_repo(dataset, url_decode(path.substr(0, marker))))
    return redirect_reply(std::string(dataset ? "/datasets/" : "/") + renamed->id + "/resolve/" + rest);
  if (!repo) return error_reply(404, "RepoNotFound", "Repository not found");
  const size_t slash = rest.find('/');
  const std::string revision = url_decode(rest.substr(0, slash));
  const std::string filename = slash == std::string::npos ? "" : url_decode(rest.substr(slash + 1));
  std::string commit = revision;
  if (auto ref = repo->refs.find(revision); ref != repo->refs.end()) commit = ref->second;
  auto files = repo->commits.find(commit);
  if (files == repo->commits.end()) return error_reply(404, "RevisionNotFound", "Invalid rev id: " + revision);
  auto file = files->second.find(filename);
  if (file == files->second.end()) {
    Reply reply = error_reply(404, "EntryNotFound", "Entry not found");
    reply.headers.push_back({"X-Repo-Commit", commit});
    return reply;
  }
  const auto quoted = [&](const std::string& etag) { return (faults_.weak_etags ? "W/\"" : "\"") + etag + "\""; };
  if (file->second.lfs) {
    const std::string sha = sha256_of(file->second.content);
    const std::string linked_etag = faults_.wrong_lfs_etag ? sha256_of(file->second.content + "tampered") : sha;
    Reply reply;
    reply.status = 302;
    reply.headers = {{"X-Repo-Commit", commit},
                     {"ETag", quoted(git_blob_sha1("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha))},
                     {"X-Linked-Etag", quoted(linked_etag)},
                     {"X-Linked-Size", std::to_string(file->second.content.size())},
                     {"Location", cdn_endpoint() + "/lfs/" + sha + "?X-Amz-Signature=mock"}};
    return reply;
  }
  Reply reply = body_reply(request, file->second.content, faults_.ignore_range);
  reply.headers.push_back({"X-Repo-Commit", commit});
  reply.headers.push_back({"ETag", quoted(git_blob_sha1(file->second.content))});
  apply_cut(request, reply);
  return reply;
}

MockHub::Reply MockHub::answer_api(const RecordedRequest& request, const std::string& path) {
  const bool dataset = path.rfind("datasets/", 0) == 0;
  if (!dataset && path.rfind("models/", 0) != 0) return error_reply(404, "", "Unknown API");
  const std::string rest = path.substr(dataset ? 9 : 7);
  // {org}/{name}/{revision|tree|paths-info}/{revision}
  size_t marker = std::string::npos;
  std::string endpoint;
  for (const char* name : {"/revision/", "/tree/", "/paths-info/"}) {
    if (const size_t at = rest.find(name); at != std::string::npos && at < marker) {
      marker = at;
      endpoint = name;
    }
  }
  const std::string repo_id = rest.substr(0, marker);
  const MockRepo* repo = find_repo(dataset, repo_id);
  if (const MockRepo* renamed = repo ? nullptr : find_renamed_repo(dataset, repo_id))
    return redirect_reply(std::string("/api/") + (dataset ? "datasets/" : "models/") + renamed->id +
                          rest.substr(marker == std::string::npos ? rest.size() : marker));
  if (!repo) return error_reply(404, "RepoNotFound", "Repository not found");
  std::string revision = marker == std::string::npos ? "main" : url_decode(rest.substr(marker + endpoint.size()));
  if (revision == "HEAD") revision = "main";
  std::string commit = revision;
  if (auto ref = repo->refs.find(revision); ref != repo->refs.end()) commit = ref->second;
  auto files = repo->commits.find(commit);
  if (files == repo->commits.end()) return error_reply(404, "RevisionNotFound", "Invalid rev id: " + revision);
  if (endpoint != "/revision/" && !endpoint.empty()) return answer_tree(*repo, commit, request);
  nlohmann::json siblings = nlohmann::json::array();
  for (const auto& [name, file] : files->second) siblings.push_back({{"rfilename", name}});
  Reply reply;
  reply.headers.push_back({"Content-Type", "application/json"});
  reply.body = nlohmann::json{{"_id", "mock-" + repo->id}, {"id", repo->id}, {"sha", commit}, {"private", false},
                              {"siblings", siblings}}
                   .dump();
  return reply;
}

// The tree (every file and folder) or, for paths-info, the entries of the POSTed `paths`.
MockHub::Reply MockHub::answer_tree(const MockRepo& repo, const std::string& commit, const RecordedRequest& request) {
  const auto& files = repo.commits.at(commit);
  const auto file_entry = [&](const std::string& path, const MockFile& file) {
    const std::string pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256_of(file.content) +
                                "\nsize " + std::to_string(file.content.size()) + "\n";
    nlohmann::json entry = {{"type", "file"},
                            {"path", path},
                            {"oid", git_blob_sha1(file.lfs ? pointer : file.content)},
                            {"size", file.content.size()},
                            {"lastCommit", {{"id", commit}, {"title", "mock"}, {"date", "2024-01-01T00:00:00.000Z"}}}};
    if (file.lfs)
      entry["lfs"] = {{"oid", sha256_of(file.content)}, {"size", file.content.size()}, {"pointerSize", pointer.size()}};
    return entry;
  };
  nlohmann::json entries = nlohmann::json::array();
  if (request.method == "POST") {
    const nlohmann::json asked = nlohmann::json::parse(request.body, nullptr, false);
    if (asked.is_object() && asked.contains("paths"))
      for (const auto& path : asked["paths"])
        if (auto file = files.find(path.get<std::string>()); file != files.end())
          entries.push_back(file_entry(file->first, file->second));
  } else {
    std::set<std::string> folders;
    for (const auto& [path, file] : files)
      for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
        folders.insert(path.substr(0, slash));
    for (const auto& folder : folders) entries.push_back({{"type", "directory"}, {"path", folder}, {"oid", "0"}, {"size", 0}});
    for (const auto& [path, file] : files) entries.push_back(file_entry(path, file));
  }
  Reply reply;
  reply.headers.push_back({"Content-Type", "application/json"});
  reply.body = entries.dump();
  return reply;
}

MockHub::Reply MockHub::answer_cdn(const RecordedRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.push_back(request);
  const std::string path = request.target.substr(0, request.target.find('?'));
  auto object = path.rfind("/lfs/", 0) == 0 ? lfs_objects_.find(path.substr(5)) : lfs_objects_.end();
  if (object == lfs_objects_.end()) return error_reply(404, "", "NoSuchKey");
  Reply reply = body_reply(request, object->second, faults_.ignore_range);
  reply.headers.push_back({"ETag", "\"" + object->first + "\""});
  apply_cut(request, reply);
  return reply;
}

MockRepo repo_of_folder(const std::string& id, const std::string& folder, bool dataset) {
  const std::string commit(40, dataset ? 'd' : 'c');
  MockRepo repo;
  repo.dataset = dataset;
  repo.id = id;
  repo.refs["main"] = commit;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const std::string name = entry.path().filename().string();
    repo.commits[commit][name] = MockFile{content.str(), entry.path().extension() == ".safetensors"};
  }
  return repo;
}

ScopedEnvironment::ScopedEnvironment(const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    if (const char* old = std::getenv(name.c_str())) saved_[name] = old;
    else unset_.push_back(name);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
}

ScopedEnvironment::~ScopedEnvironment() {
  for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  for (const auto& name : unset_) ::unsetenv(name.c_str());
}

}  // namespace rb::hub::testing
