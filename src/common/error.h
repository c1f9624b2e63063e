#pragma once
// Typed errors shared by every layer. Each carries the context a user needs to fix the
// problem (file, line, field, ...) in its message; the CLI prints what() and exits non-zero.
#include <stdexcept>
#include <string>

namespace rb {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad user input: a dataset row, a config file, a flag. Message names file, line and field.
class InputError : public Error {
 public:
  using Error::Error;
};

// Files that cannot be read or written (missing, permissions, malformed containers).
class IoError : public Error {
 public:
  using Error::Error;
};

class TokenizerError : public Error {
 public:
  using Error::Error;
};

// A chat template that fails to parse or raises (raise_exception) while rendering.
class TemplateError : public Error {
 public:
  using Error::Error;
};

// Unsupported architecture, missing or mis-shaped weights, bad config values.
class ModelError : public Error {
 public:
  using Error::Error;
};

}  // namespace rb
