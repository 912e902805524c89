#pragma once
// The one exception a board file is refused with. Its message is a single line in the form
// compilers use, so editors can jump to it: "rdb.yaml:12: device 'LED9': pin 120 is out of
// range (GPIO 0-93)".
#include <stdexcept>
#include <string>

namespace mt3620 {

class BoardError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace mt3620
