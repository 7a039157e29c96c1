// error.hpp's contract: what Partita throws is a partita::Error, and a bad
// argument is a partita::InvalidArgument that `catch (const std::exception&)`
// still catches (one std::exception base, not two).
#include "partita/error.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <type_traits>

#include "partita/schedule.hpp"

namespace {

static_assert(std::is_base_of_v<partita::Error, partita::InvalidArgument>);
static_assert(std::is_base_of_v<partita::Error, partita::MpiError>);
static_assert(std::is_convertible_v<partita::InvalidArgument*, std::exception*>, "one unambiguous std::exception");

TEST(Error, ScheduleParseThrowsInvalidArgument) {
  EXPECT_THROW((void)partita::Schedule::parse("dynamic:0"), partita::InvalidArgument);
  try {
    (void)partita::Schedule::parse("sometimes");
    ADD_FAILURE() << "no exception";
  } catch (const std::exception& e) {  // the handler a host code writes last
    EXPECT_NE(std::string(e.what()).find("must be static, cyclic"), std::string::npos) << e.what();
  }
}

}  // namespace
