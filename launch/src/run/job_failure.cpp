#include "run/job_failure.hpp"

#include <new>

#include "commands/exit_codes.hpp"
#include "output/atomic_file.hpp"
#include "spec/spec_error.hpp"

namespace partita::launch {

JobFailure failure_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const RankFailed& e) {
    return {exit_internal, e.what(), true};
  } catch (const JobError& e) {
    return {e.code(), e.what()};
  } catch (const SpecError& e) {
    return {exit_bad_input, e.what()};
  } catch (const IoError& e) {
    return {exit_io_error, e.what()};
  } catch (const std::bad_alloc&) {
    return {exit_internal, "out of memory (std::bad_alloc): the job needs more memory than this rank may use"};
  } catch (const std::exception& e) {
    return {exit_internal, e.what()};
  } catch (...) {
    return {exit_internal, "an unknown exception"};
  }
}

}  // namespace partita::launch
