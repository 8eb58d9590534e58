// Internal to media/: remux and transcode on an input that is already open
// and described, so makePlayable() opens the upload only once.
#pragma once

#include "media/input.h"
#include "media/transcode.h"

namespace media::internal {

Result<RemuxResult> remuxOpened(Described& described, ByteSink& sink, const RemuxOptions& options);
Result<RemuxResult> transcodeOpened(Described& described, ByteSink& sink,
                                    const TranscodeOptions& options);

}  // namespace media::internal
