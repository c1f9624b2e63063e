#pragma once
// `rewardbench download`: fetch a model or dataset repo into the Hugging Face cache ahead of an
// evaluation and print where it is (hub/hub_command.h). A dataset the reference reads is fetched
// at its reference splits unless --split says otherwise (eval/benchmarks.h).
#include "app/option_table.h"
#include "hub/hub_command.h"

namespace rb::app {

const OptionTable<hub::HubDownloadOptions>& download_options_table();

// Prints on stdout, errors on stderr; 0 on success, 1 on failure.
int run_download(const hub::HubDownloadOptions& options);

}  // namespace rb::app
