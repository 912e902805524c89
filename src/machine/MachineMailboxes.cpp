// The mailboxes between the cores (reference §6.1): each M4 has its own end of an M4 <-> A7
// mailbox at 0x2105_0000 (IRQs 6-11) and of the M4 <-> M4 mailbox at 0x2106_0000 (IRQs 12-17).
// Both are per-core blocks: only their own core reaches them (reference §5).
#include "machine/Machine.h"

namespace mt3620 {

void Machine::connectMailboxes() {
    m4_mailbox_ = std::make_unique<Mailbox>(Mailbox::Kind::M4ToM4, "m4-0.MBOX-M4", "m4-1.MBOX-M4", log_);
    for (unsigned i = 0; i < 2; ++i) {
        M4Subsystem& m = *m4_[i];
        const std::string core(coreName(m.id));
        a7_mailbox_[i] = std::make_unique<Mailbox>(Mailbox::Kind::M4ToA7, core + ".MBOX-A7",
                                                   "a7.MBOX-" + core, log_);
        const std::uint32_t own = coreBit(m.id);
        Mailbox::End& a7_link = a7_mailbox_[i]->m4End();
        Mailbox::End& m4_link = m4_mailbox_->end(i);
        m.bus.map(Mailbox::kM4A7Base, a7_link, own);
        m.bus.map(Mailbox::kM4M4Base, m4_link, own);
        Nvic& nvic = m.core.nvic();
        for (unsigned k = 0; k < a7_link.irq.size(); ++k) {
            a7_link.irq[k].connect(&nvic, Mailbox::kM4A7FirstIrq + k);
            m4_link.irq[k].connect(&nvic, Mailbox::kM4M4FirstIrq + k);
        }
        a7_link.wake.connect(&nvic, Mailbox::kA7WakeIrq);
        m4_link.wake.connect(&nvic, Mailbox::kM4WakeIrq);
    }
}

}  // namespace mt3620
