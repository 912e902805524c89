#pragma once
// Records everything a UART transmits, with the virtual time of each completed line, so tests
// and the scenario runner can assert "this text at that time".
#include <cstdint>
#include <string>
#include <vector>

#include "periph/Signals.h"

namespace mt3620 {

class SerialCapture : public ByteSink {
public:
    struct Line {
        std::string text;  // without the line ending
        Picos time;        // when its '\n' finished transmitting
    };

    void receiveByte(std::uint8_t byte, Picos time) override {
        text_.push_back(static_cast<char>(byte));
        if (byte == '\n') {
            std::string line = std::move(partial_);
            partial_.clear();
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines_.push_back(Line{std::move(line), time});
        } else {
            partial_.push_back(static_cast<char>(byte));
        }
    }

    const std::string& text() const { return text_; }
    const std::vector<Line>& lines() const { return lines_; }
    void clear() {
        text_.clear();
        partial_.clear();
        lines_.clear();
    }

private:
    std::string text_;
    std::string partial_;
    std::vector<Line> lines_;
};

}  // namespace mt3620
