import CIMAnalysis
import CIMStore

/// The one translation table of summary tables: titles, column headings and defect types in Chinese.
/// Only the text and CSV renderings are translated; JSON keys stay the English machine keys.
public enum Localization {
    /// Column headings (the English machine names) → Chinese.
    static let headings: [String: String] = [
        "measure": "指标", "value": "数值", "key": "键", "layer": "图层", "geometry": "几何类型", "features": "要素数",
        "min_x": "最小X", "min_y": "最小Y", "max_x": "最大X", "max_y": "最大Y", "field": "字段", "with_value": "有值",
        "share_%": "占比%", "source": "来源", "source_layer": "来源图层", "source_crs": "来源坐标系", "imported_at": "导入时间",
        "repaired": "已修复", "rejected": "已拒绝", "computed_at": "计算时间", "newer_inputs": "更新的输入", "read": "读取",
        "selected": "选中", "imported": "已导入", "split": "拆分", "encoding": "编码", "seconds": "秒", "features/s": "要素/秒",
        "feature": "要素", "action": "处理", "reason": "原因", "category": "类别", "名称": "名称", "name": "名称", "level": "层级",
        "threshold_m": "阈值(米)", "required": "必配", "facilities": "设施数", "buildings_%": "建筑覆盖%", "residents_%": "居民覆盖%",
        "residents_out": "未覆盖居民", "area": "地区", "buildings": "建筑数", "residents": "居民", "missing": "缺失",
        "missing_categories": "缺失类别", "what_if_facilities": "规划后设施数", "what_if_residents_%": "规划后居民覆盖%",
        "change_pct_points": "变化(百分点)", "stage": "阶段", "facility": "设施", "minutes": "分钟", "metres": "米",
        "area_km2": "面积(平方公里)", "zone": "片区", "floor_area_m2": "建筑面积(平方米)", "area_m2": "面积(平方米)",
        "nearest_pipe_m": "最近管道(米)", "nearest_pipe": "最近管道", "district": "行政区", "unserved": "未服务",
        "unserved_floor_area_m2": "未服务建筑面积(平方米)", "unserved_residents": "未服务居民", "zones": "片区数",
        "blank_area_m2": "空白面积(平方米)", "type": "类型", "count": "数量", "high": "高", "medium": "中", "low": "低",
        "meaning": "含义", "pipes_missing": "缺失管道数", "listed_per_pipe": "逐管列出", "component": "连通分量", "pipes": "管道",
        "length_m": "长度(米)", "outlets": "出口", "id": "编号", "severity": "严重程度", "unit": "单位", "x": "X", "y": "Y",
        "detail": "详情", "city": "城市", "items": "项数", "items_per_s": "项/秒", "peak_rss_mb": "峰值内存(MB)",
        "check_id": "体检编号", "year": "年份", "time": "时间", "metric": "距离度量", "indicator_file": "指标文件",
        "indicator_hash": "指标文件哈希", "health_index": "体检指数", "cim_version": "cim版本", "inputs": "输入",
        "rank": "排名", "gain": "增益", "residents_gained": "新增覆盖居民", "floor_area_gained_m2": "新增覆盖建筑面积(平方米)",
        "buildings_gained": "新增覆盖建筑", "facility_id": "设施编号", "facility_name": "设施名称", "distance_m": "距离(米)",
        "in_reach": "可达", "short_by_m": "差距(米)", "index": "指数", "plain": "现状", "what_if": "规划后", "change": "变化",
        "plain_score": "现状得分", "what_if_score": "规划后得分", "plain_warning": "现状预警", "what_if_warning": "规划后预警",
        "area_kind": "地区类型", "area_id": "地区编号", "area_name": "地区名称", "numerator": "分子", "denominator": "分母",
        "baseline": "基期", "trend": "趋势", "residents_in_reach": "可达居民", "what_if_residents_in_reach": "规划后可达居民",
        "cumulative_residents_in_reach": "累计可达居民", "cumulative_coverage_pct": "累计覆盖率%", "use": "用途", "kind": "类型",
    ]

    /// Table titles (exact, or the English start of a title with a variable end) → Chinese.
    static let titles: [(english: String, chinese: String)] = [
        ("Timings", "用时"), ("Layers", "图层"), ("Store ", "数据库 "), ("Imported into ", "已导入 "),
        ("Values that map to nothing", "未映射的取值"), ("Repairs and rejections", "修复与拒绝"),
        ("Attribute completeness", "属性完整度"), ("Provenance", "来源记录"), ("Stale results", "过期结果"),
        ("What if ", "规划情景 "), ("Life-circle coverage", "生活圈覆盖"), ("Categories, short boards first", "类别(短板优先)"),
        ("Worst ", "最差 "), ("Walk network", "步行路网"), ("Pipe-network blank zones", "管网空白区"),
        ("Largest blank zones", "最大空白区"), ("By district", "按行政区"), ("Service areas of ", "服务范围 "),
        ("Plan: ", "规划: "), ("Sites in order of choice", "选址顺序"), ("Health checks recorded in ", "体检记录 "),
        ("Defects by type", "缺陷类型统计"), ("Missing attributes", "缺失属性"), ("Largest components", "最大连通分量"),
        ("Defects, most severe first", "缺陷(按严重程度)"), ("Pipe-network audit", "排水管网审计"), ("Data quality", "数据质量"),
        ("Synthetic city", "合成城市"), ("Planted pipe defects", "植入的管道缺陷"), ("Building ", "建筑 "),
    ]

    /// Defect types (machine names) → Chinese.
    public static let defectTypes: [DefectType: String] = [
        .danglingEnd: "悬挂端点", .nearMissBreak: "近距断开", .noOutletComponent: "无出口管网", .reversedSlope: "倒坡",
        .diameterShrink: "管径变小", .zeroLength: "零长度管道", .overLong: "超长管段", .duplicatePipe: "重复管道",
        .missingAttributes: "属性缺失",
    ]

    /// A table's title and headings in `language` (unchanged for English); defect types in a `type` column
    /// become Chinese. The key and the cells' types are kept.
    public static func translate(_ table: SummaryTable, to language: Language) -> SummaryTable {
        guard language == .zh else { return table }
        var out = table
        out.headers = table.headers.map { headings[$0] ?? $0 }
        if let match = titles.first(where: { table.title.hasPrefix($0.english) }) {
            out.title = match.chinese + table.title.dropFirst(match.english.count)
        }
        if let column = table.headers.firstIndex(of: "type") {
            out.rows = table.rows.map { row in
                var row = row
                if column < row.count, case let .text(raw) = row[column], let type = DefectType(rawValue: raw), let zh = defectTypes[type] {
                    row[column] = .text(zh)
                }
                return row
            }
        }
        return out
    }
}
