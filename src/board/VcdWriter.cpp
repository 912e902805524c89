#include "board/VcdWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "board/Board.h"

namespace mt3620 {

std::string VcdWriter::signalName(std::string_view device, unsigned pin) {
    std::string name;
    for (char c : device) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return fmt::format("{}_gpio{}", name, pin);
}

std::vector<VcdWriter::Signal> VcdWriter::signalsFor(const Board& board) {
    std::vector<Signal> signals;
    for (const Board::WiredPin& w : board.digitalPins()) signals.push_back({w.pin, signalName(w.device, w.pin)});
    return signals;
}

std::string VcdWriter::idCode(std::size_t index) {
    // Printable ASCII '!'..'~' (94 symbols), little-endian digits: "!", "\"", ..., "~", "!\"", ...
    std::string id;
    do {
        id += static_cast<char>('!' + index % 94);
        index /= 94;
    } while (index > 0);
    return id;
}

VcdWriter::VcdWriter(std::ostream& out, PinBank& pins, std::vector<Signal> signals, Picos start,
                     std::string_view scope)
    : out_(&out), signals_(std::move(signals)) {
    writeHeader(pins, scope, start);
    pins.addListener(this);
}

VcdWriter::VcdWriter(const std::string& path, PinBank& pins, std::vector<Signal> signals, Picos start,
                     std::string_view scope)
    : file_(std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc)), out_(file_.get()),
      signals_(std::move(signals)) {
    if (!*file_) throw std::runtime_error(fmt::format("{}: cannot create the VCD file", path));
    writeHeader(pins, scope, start);
    pins.addListener(this);
}

VcdWriter::~VcdWriter() { close(); }

void VcdWriter::writeHeader(PinBank& pins, std::string_view scope, Picos start) {
    pin_ids_.assign(PinBank::kPinCount, "");
    std::string scope_name;
    for (char c : scope) scope_name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    std::ostream& o = *out_;
    o << "$version mt3620-emu $end\n"
      << "$timescale 1 ps $end\n"
      << "$scope module " << scope_name << " $end\n";
    std::size_t next_id = 0;
    for (const Signal& s : signals_) {
        if (s.pin >= PinBank::kPinCount) continue;
        // Two names for one pad (two LEDs on it) share its identifier, as VCD allows.
        if (pin_ids_[s.pin].empty()) pin_ids_[s.pin] = idCode(next_id++);
        o << "$var wire 1 " << pin_ids_[s.pin] << ' ' << s.name << " $end\n";
    }
    o << "$upscope $end\n"
      << "$enddefinitions $end\n"
      << '#' << start << '\n'
      << "$dumpvars\n";
    for (unsigned pin = 0; pin < PinBank::kPinCount; ++pin)
        if (!pin_ids_[pin].empty()) o << (pins.level(pin) ? '1' : '0') << pin_ids_[pin] << '\n';
    o << "$end\n";
    written_time_ = newest_ = start;
}

void VcdWriter::pinChanged(unsigned pin, bool level, Picos time) {
    if (closed_ || pin >= PinBank::kPinCount || pin_ids_[pin].empty()) return;
    ++changes_;
    auto at = std::upper_bound(held_.begin(), held_.end(), time,
                               [](Picos t, const Change& c) { return t < c.time; });
    held_.insert(at, Change{time, pin, level});
    newest_ = std::max(newest_, time);
    if (newest_ >= window_) writeUpTo(newest_ - window_);
}

void VcdWriter::writeUpTo(Picos limit) {
    std::ostream& o = *out_;
    while (!held_.empty() && held_.front().time <= limit) {
        Change c = held_.front();
        held_.pop_front();
        if (c.time < written_time_) {
            ++late_;
            c.time = written_time_;
        }
        if (c.time != written_time_) {
            o << '#' << c.time << '\n';
            written_time_ = c.time;
        }
        o << (c.level ? '1' : '0') << pin_ids_[c.pin] << '\n';
    }
}

void VcdWriter::flush() {
    if (closed_) return;
    if (newest_ >= window_) writeUpTo(newest_ - window_);
    out_->flush();
}

void VcdWriter::close(Picos end) {
    if (closed_) return;
    writeUpTo(kNever);
    if (end > written_time_) *out_ << '#' << end << '\n';
    out_->flush();
    if (file_) file_->close();
    closed_ = true;
}

}  // namespace mt3620
