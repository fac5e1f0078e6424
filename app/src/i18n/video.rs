//! The words about a card's short video (BRIEF R2, issue 11) in ko, en, ja, zh: the
//! designer's field and its refusals (the card page names its player in `CardText`, so the
//! card's bundle does not carry these).

use crate::model::Lang;

pub struct VideoText {
    pub legend: &'static str,
    pub video: &'static str,
    pub poster: &'static str,
    /// Has a `{length}` placeholder (`0:42`).
    pub current: &'static str,
    // Refusals.
    /// Has a `{size}` placeholder (`20 MB`).
    pub too_large: &'static str,
    /// Has a `{secs}` placeholder.
    pub too_long: &'static str,
    pub format: &'static str,
    /// Has a `{codec}` placeholder: the container's name for it (`mp4v`).
    pub codec: &'static str,
    pub hevc: &'static str,
    pub no_picture: &'static str,
    pub unknown_length: &'static str,
    pub corrupt: &'static str,
    /// A poster sent without a video to show it on.
    pub poster_without_video: &'static str,
}

pub fn video_text(lang: Lang) -> &'static VideoText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl VideoText {
    pub fn current(&self, length: &str) -> String {
        self.current.replace("{length}", length)
    }

    pub fn too_large(&self, size: &str) -> String {
        self.too_large.replace("{size}", size)
    }

    pub fn too_long(&self, secs: u32) -> String {
        self.too_long.replace("{secs}", &secs.to_string())
    }

    pub fn codec(&self, codec: &str) -> String {
        self.codec.replace("{codec}", codec)
    }
}

static KO: VideoText = VideoText {
    legend: "짧은 동영상 (MP4 또는 WebM)",
    video: "동영상",
    poster: "재생 전에 보일 정지 화면 (JPEG 또는 PNG, 선택)",
    current: "현재 동영상 ({length})",
    too_large: "동영상이 {size}보다 큽니다. 더 짧거나 작은 파일을 고르세요.",
    too_long: "동영상이 {secs}초보다 깁니다. 잘라서 다시 올려 보세요.",
    format: "MP4, WebM 동영상만 올릴 수 있습니다.",
    codec: "이 동영상의 형식({codec})은 모든 브라우저에서 재생되지 않습니다. H.264 MP4로 내보내 다시 올려 보세요.",
    hevc: "HEVC(H.265) 동영상은 Safari에서만 재생됩니다. H.264로 내보내 다시 올려 보세요. iPhone에서는 설정 › 카메라 › 포맷 › 높은 호환성을 고르면 됩니다.",
    no_picture: "이 파일에는 소리만 있고 화면이 없습니다.",
    unknown_length: "동영상 파일에 길이가 적혀 있지 않습니다(녹화하면서 저장된 파일). 동영상 편집 앱에서 다시 내보내 올려 보세요.",
    corrupt: "동영상 파일이 손상되었거나 불완전합니다. 다시 내보낸 뒤 올려 보세요.",
    poster_without_video: "정지 화면은 동영상과 함께 올리세요.",
};

static EN: VideoText = VideoText {
    legend: "Short video (MP4 or WebM)",
    video: "Video",
    poster: "Still shown before it plays (JPEG or PNG, optional)",
    current: "Current video ({length})",
    too_large: "The video is larger than {size}; choose a shorter or smaller file.",
    too_long: "The video is longer than {secs} seconds; trim it and retry.",
    format: "Only MP4 and WebM videos are accepted.",
    codec: "The video is encoded as {codec}, which not every browser plays; export it as H.264 MP4 and retry.",
    hevc: "HEVC (H.265) video plays in Safari only; export it as H.264 and retry. On an iPhone: Settings › Camera › Formats › Most Compatible.",
    no_picture: "The file has sound but no picture.",
    unknown_length: "The video file does not record its length (it was saved while recording); export it again from a video editor and retry.",
    corrupt: "The video file is damaged or incomplete; export it again and retry.",
    poster_without_video: "Send the still together with a video.",
};

static JA: VideoText = VideoText {
    legend: "短い動画（MP4 または WebM）",
    video: "動画",
    poster: "再生前に表示する静止画（JPEG または PNG、任意）",
    current: "現在の動画（{length}）",
    too_large: "動画が{size}を超えています。もっと短いか小さいファイルを選んでください。",
    too_long: "動画が{secs}秒を超えています。短く切ってもう一度お試しください。",
    format: "使える動画は MP4 と WebM だけです。",
    codec: "この動画の形式（{codec}）はすべてのブラウザーでは再生できません。H.264 の MP4 で書き出してもう一度お試しください。",
    hevc: "HEVC（H.265）の動画は Safari でしか再生できません。H.264 で書き出してもう一度お試しください。iPhone では 設定 › カメラ › フォーマット › 互換性優先 を選びます。",
    no_picture: "このファイルには音声だけで映像がありません。",
    unknown_length: "動画ファイルに長さが記録されていません（録画しながら保存されたファイル）。動画編集アプリで書き出し直してもう一度お試しください。",
    corrupt: "動画ファイルが壊れているか、不完全です。書き出し直してもう一度お試しください。",
    poster_without_video: "静止画は動画と一緒に送ってください。",
};

static ZH: VideoText = VideoText {
    legend: "短视频（MP4 或 WebM）",
    video: "视频",
    poster: "播放前显示的静止画面（JPEG 或 PNG，可选）",
    current: "当前视频（{length}）",
    too_large: "视频大于 {size}，请选择更短或更小的文件。",
    too_long: "视频长于 {secs} 秒，请剪短后重试。",
    format: "只接受 MP4 和 WebM 视频。",
    codec: "此视频的编码（{codec}）并非所有浏览器都能播放，请导出为 H.264 MP4 后重试。",
    hevc: "HEVC（H.265）视频只能在 Safari 中播放，请导出为 H.264 后重试。在 iPhone 上：设置 › 相机 › 格式 › 兼容性最佳。",
    no_picture: "此文件只有声音，没有画面。",
    unknown_length: "视频文件没有记录时长（边录边存的文件），请用视频编辑应用重新导出后重试。",
    corrupt: "视频文件已损坏或不完整，请重新导出后重试。",
    poster_without_video: "请将静止画面与视频一起上传。",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &VideoText) -> [&'static str; 13] {
        let VideoText {
            legend,
            video,
            poster,
            current,
            too_large,
            too_long,
            format,
            codec,
            hevc,
            no_picture,
            unknown_length,
            corrupt,
            poster_without_video,
        } = *text;
        [
            legend,
            video,
            poster,
            current,
            too_large,
            too_long,
            format,
            codec,
            hevc,
            no_picture,
            unknown_length,
            corrupt,
            poster_without_video,
        ]
    }

    #[test]
    fn every_language_says_everything_in_its_own_words_with_the_same_placeholders() {
        let english = all(&EN);
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            for (index, (own, en)) in all(video_text(lang)).into_iter().zip(english).enumerate() {
                assert!(!own.is_empty(), "{lang:?} #{index}");
                assert_ne!(own, en, "{lang:?} #{index} is still English");
                for placeholder in ["{size}", "{secs}", "{codec}", "{length}"] {
                    assert_eq!(
                        own.contains(placeholder),
                        en.contains(placeholder),
                        "{lang:?} #{index} {placeholder}"
                    );
                }
            }
        }
    }
}
