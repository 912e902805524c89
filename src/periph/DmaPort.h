#pragma once
// The peripheral end of one hardware-handshake DMA channel (CON.DREQ = 1, reference §4.11).
//
// On the chip a peripheral raises a request line when its FIFO can take data (TX) or holds
// data (RX), and the channel then moves one unit between memory and the peripheral's FIFO
// register (FIXADDR). Here the peripheral model owns a DmaPort per direction and fills in two
// callbacks; the DMA channel wired to it (M4Dma::connect) calls them instead of going through
// the bus, so the peripheral never knows which DMA (or which core's DMA) serves it:
//
//   ready()   TX: the FIFO has room for one more unit; RX: the FIFO holds at least one unit.
//             Must also be false while the peripheral's own DMA enable is off.
//   transfer  TX: push(value) puts one unit (byte, halfword or word, CON.SIZE) into the FIFO.
//             RX: pop() takes one unit out.
//
// The peripheral calls request() whenever ready() may have turned true (a byte left the TX
// FIFO, a byte arrived, the firmware enabled the handshake); the channel then schedules a
// service. Nothing here allocates after wiring.
#include <cstdint>
#include <functional>
#include <vector>

namespace mt3620 {

class DmaPort {
public:
    /// Implemented by the DMA channel: "the peripheral's request line went active".
    class Listener {
    public:
        virtual ~Listener() = default;
        virtual void dmaRequested() = 0;
    };

    std::function<bool()> ready;
    std::function<void(std::uint32_t value)> push;  // TX (memory -> peripheral)
    std::function<std::uint32_t()> pop;             // RX (peripheral -> memory)

    /// The request line: tells every connected channel to look at ready() again.
    void request() {
        for (Listener* l : listeners_) l->dmaRequested();
    }
    void addListener(Listener* l) { listeners_.push_back(l); }
    /// A channel that goes away first (its DMA is destroyed before the peripheral) unhooks.
    void removeListener(Listener* l) { std::erase(listeners_, l); }
    bool connected() const { return !listeners_.empty(); }

private:
    std::vector<Listener*> listeners_;  // one channel per M4 core's DMA at most
};

}  // namespace mt3620
