#pragma once
// An exclusive advisory lock on a file (flock), held for the object's lifetime: two processes
// fetching the same blob take turns instead of writing one .incomplete file together.
#include <string>

namespace rb::hub {

class FileLock {
 public:
  explicit FileLock(const std::string& path);  // creates the file and its folders; waits for the lock
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace rb::hub
