// Everything a host code needs from the engine, in one include.
#pragma once

#include "partita/agree.hpp"
#include "partita/context.hpp"
#include "partita/error.hpp"
#include "partita/for_each.hpp"
#include "partita/gather.hpp"
#include "partita/journal.hpp"
#include "partita/map_reduce.hpp"
#include "partita/partition.hpp"
#include "partita/rng.hpp"
#include "partita/runtime.hpp"
#include "partita/version.hpp"
