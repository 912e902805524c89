#include "periph/PinBank.h"

#include "common/Log.h"

namespace mt3620 {

Picos PinBank::now() const { return time_ ? time_->now() : 0; }

}  // namespace mt3620
