#pragma once
// A value-change dump (IEEE 1364 VCD) of some GPIO pads, for GTKWave or PulseView: each pad is
// a 1-bit wire named after what is wired to it ("LED1_red_gpio8"), with the levels at the start
// under #<start>, then "#<time>" and the changes, in time order, in picoseconds (the emulator's
// own unit, so no time is rounded).
//
// Changes do not always arrive in time order: the cores run one after the other over each
// quantum, so the second core reports changes older than the first core's last one. The writer
// therefore holds changes back until they are `reorder window` older than the newest one seen,
// and writes them sorted (same-time changes in arrival order). close() writes the rest.
#include <cstddef>
#include <deque>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/VirtualTime.h"
#include "periph/PinBank.h"

namespace mt3620 {

class Board;

class VcdWriter : public PinListener {
public:
    struct Signal {
        unsigned pin;
        std::string name;
    };
    /// Longer than any sensible quantum (200 us by default), so reordering is exact in practice.
    static constexpr Picos kDefaultReorderWindow = 10 * kPicosPerMilli;

    /// "<device>_gpio<pin>", with every character VCD viewers may choke on replaced by '_'.
    static std::string signalName(std::string_view device, unsigned pin);
    /// A signal for each digital pad of the board.
    static std::vector<Signal> signalsFor(const Board& board);

    /// Writes the header and the current levels of `signals` to `out` (which must outlive the
    /// writer) and listens to `pins`. PinBank cannot remove listeners: keep the writer alive as
    /// long as the bank may change. `scope` is the module name viewers group the wires under.
    VcdWriter(std::ostream& out, PinBank& pins, std::vector<Signal> signals, Picos start = 0,
              std::string_view scope = "board");
    /// The same, into a new file at `path`; throws std::runtime_error if it cannot be created.
    VcdWriter(const std::string& path, PinBank& pins, std::vector<Signal> signals, Picos start = 0,
              std::string_view scope = "board");
    ~VcdWriter() override;

    void pinChanged(unsigned pin, bool level, Picos time) override;

    void setReorderWindow(Picos window) { window_ = window; }
    /// Writes the changes that can no longer be preceded by a late one, and flushes the stream.
    void flush();
    /// Writes every held change, then "#<end>" if `end` is later than the last change (so a
    /// viewer shows how long the last levels lasted), and flushes. Later changes are ignored.
    void close(Picos end = 0);

    /// Changes written or held so far.
    std::size_t changes() const { return changes_; }
    /// Changes that arrived after a later time was already written; they are written at that
    /// later time (0 unless the reorder window is shorter than the cores' time skew).
    std::size_t lateChanges() const { return late_; }

private:
    struct Change {
        Picos time;
        unsigned pin;
        bool level;
    };
    void writeHeader(PinBank& pins, std::string_view scope, Picos start);
    void writeUpTo(Picos limit);
    static std::string idCode(std::size_t index);

    std::unique_ptr<std::ofstream> file_;  // when the writer owns the output
    std::ostream* out_;
    std::vector<Signal> signals_;
    std::vector<std::string> pin_ids_;  // VCD identifier per pad; empty if not traced
    std::deque<Change> held_;           // sorted by time, ties in arrival order
    Picos window_ = kDefaultReorderWindow;
    Picos newest_ = 0;
    Picos written_time_ = 0;  // time of the last "#t" line
    std::size_t changes_ = 0;
    std::size_t late_ = 0;
    bool closed_ = false;
};

}  // namespace mt3620
